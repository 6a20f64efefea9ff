// melf-objdump on binaries linked by ld.melf: every option, --verify passes,
// corrupted copies fail under ASan/UBSan. Runs once build/bin/ld.melf exists.
// REQUIRES: ld-melf
// RUN: rm -rf %t && mkdir %t
// RUN: %clang %melf_cflags -O2 -c %s -o %t/x.o
// RUN: %clang %melf_ldflags %t/x.o -o %t/x
// RUN: %t/x
// RUN: melf-objdump --variants %t/x | FileCheck %s --check-prefix=VARIANTS
// RUN: melf-objdump --slots %t/x | FileCheck %s --check-prefix=SLOTS
// RUN: melf-objdump --layout %t/x | FileCheck %s --check-prefix=LAYOUT
// RUN: melf-objdump -d --variant=default --symbol=scale %t/x | FileCheck %s --check-prefix=SSE
// RUN: melf-objdump -d --variant=x86-64-v3 --symbol=scale %t/x | FileCheck %s --check-prefix=AVX
// RUN: %status %objdump_asan --verify -a -d %t/x | FileCheck %s --check-prefix=VALID --implicit-check-not=Sanitizer --implicit-check-not='runtime error'
// RUN: melf-objdump --json --verify %t/x | python3 %S/Inputs/check-json.py - | FileCheck %s --check-prefix=JSON
// RUN: %melf_corrupt %t/x %t/bad1 meta.nslots=4000000000
// RUN: %status %objdump_asan -a %t/bad1 | FileCheck %s --check-prefix=BAD1 --implicit-check-not=Sanitizer
// RUN: %melf_corrupt %t/x %t/bad2 'image[2].pad[0]=0x90'
// RUN: %status %objdump_asan --verify %t/bad2 | FileCheck %s --check-prefix=BAD2 --implicit-check-not=Sanitizer
// RUN: %melf_corrupt %t/x %t/bad3 'slot[0].addr=1'
// RUN: %status %objdump_asan --verify %t/bad3 | FileCheck %s --check-prefix=BAD3 --implicit-check-not=Sanitizer

__attribute__((variant("x86-64-v3", "debug"))) void scale(float *v, int n,
                                                           float k) {
  for (int i = 0; i < n; i++)
    v[i] *= k;
}

__attribute__((variant("x86-64-v3"))) int count(unsigned long x) {
  return __builtin_popcountl(x);
}

int main(void) {
  float v[64];
  for (int i = 0; i < 64; i++)
    v[i] = (float)i;
  scale(v, 64, 2.0f);
  return v[3] == 6.0f && count(7) == 3 ? 0 : 1;
}

// VARIANTS: Variants: 3 (arch x86-64
// VARIANTS: 0 default default
// VARIANTS: x86-64-v3 {{.*}}avx,avx2
// VARIANTS: debug optnone
// SLOTS: Slots: 2
// SLOTS-DAG: {{ }}scale{{$}}
// SLOTS-DAG: {{ }}count{{$}}
// SLOTS: debug default bytes (no own body)
// LAYOUT: MELF area:
// LAYOUT: text {{.*}} r-x
// SSE: <scale>:
// SSE-NOT: %ymm
// SSE: mulps {{.*}}%xmm
// AVX: <scale.melf.x86-64-v3>:
// AVX: %ymm
// VALID: valid MELF binary (3 variants, 2 slots)
// VALID-NEXT: exit status: 0
// JSON: schema ok
// JSON: verify valid=True violations=0
// BAD1: error: {{.*}}: .melf.meta: nslots 4000000000 exceeds section size
// BAD1-NEXT: exit status: 1
// BAD2: verify: {{.*}}: slot 0 {{.*}}variant 2 'debug'{{.*}} 0x90
// BAD2: exit status: 1
// BAD3: verify: {{.*}}: slot 0 {{.*}} is not inside the text part
// BAD3: exit status: 1
