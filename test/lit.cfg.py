# lit configuration for the MELF test suite.
import os
import sys
import lit.formats

config.name = "MELF"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".cpp", ".ll", ".test", ".s"]
config.excludes = ["Inputs", "realworld", "unit", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.melf_obj_root, "test")

# LLVM 19's tools first: FileCheck, not, opt, llvm-readelf, llvm-objdump.
config.environment["PATH"] = os.pathsep.join(
    [os.path.join(config.melf_obj_root, "bin"), config.llvm_bin,
     config.environment.get("PATH", os.environ.get("PATH", ""))])
for var in ["ASAN_OPTIONS", "MELF_VARIANT", "MELF_DEBUG", "MELF_MODE"]:
    config.environment.pop(var, None)

clang = os.path.join(config.llvm_bin, "clang")
plugin = config.melf_plugin
config.substitutions.append(("%clangxx", clang + "++"))
config.substitutions.append(("%clang", clang))
config.substitutions.append(
    ("%melf_cflags", "-fplugin=%s -I%s" % (plugin, config.melf_runtime_include)))
# -cc1 form for -verify tests: the plugin action runs before the main one.
config.substitutions.append(
    ("%cc1_melf", "%s -cc1 -triple x86_64-pc-linux-gnu -load %s -I%s"
     % (clang, plugin, config.melf_runtime_include)))
config.substitutions.append(
    ("%opt_melf", "opt -load-pass-plugin=%s" % config.melf_pass_plugin))
config.substitutions.append(("%melf_abi_include", config.melf_abi_include))
# Link with ld.melf from the build tree (what `melf-config --ldflags` says).
# ... and libmelf (build/lib/libmelf.a), as `melf-config --ldflags` says.
melf_lib = os.path.join(config.melf_obj_root, "lib")
config.substitutions.append(
    ("%melf_ldflags", "-fuse-ld=melf -B%s -L%s -lmelf -Wl,-rpath,%s"
     % (os.path.join(config.melf_obj_root, "bin"), melf_lib, melf_lib)))
config.substitutions.append(("%ld_melf", os.path.join(config.melf_obj_root, "bin", "ld.melf")))
config.substitutions.append(("%plugin", plugin))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%melf_config", os.path.join(config.melf_obj_root, "bin", "melf-config")))
config.substitutions.append(("%melf_src_root", config.melf_src_root))
config.substitutions.append(("%melf_obj_root", config.melf_obj_root))

# melf-objdump (test/objdump): the MELF fixture generator, the corruption
# helper, an exact exit-status wrapper and the sanitized tool. Sanitizer
# reports exit with 99 so that they can never pass for an expected error.
objdump_inputs = os.path.join(config.test_source_root, "objdump", "Inputs")
config.substitutions.append(
    ("%mkmelf", "python3 " + os.path.join(objdump_inputs, "mkmelf.py")))
config.substitutions.append(
    ("%melf_corrupt", "python3 " + os.path.join(objdump_inputs, "melf-corrupt.py")))
config.substitutions.append(
    ("%status", "python3 " + os.path.join(objdump_inputs, "status.py")))
config.substitutions.append(
    ("%objdump_asan", "env ASAN_OPTIONS=exitcode=99 "
     "UBSAN_OPTIONS=exitcode=99:print_stacktrace=1 melf-objdump-asan"))
melf_bin = os.path.join(config.melf_obj_root, "bin")
config.substitutions.append(
    ("%melf_ldflags", "-fuse-ld=melf -B%s -L%s -lmelf -Wl,-rpath,%s"
     % (melf_bin, melf_lib, melf_lib)))
# The minimal runtime (libmelf_min.a), as `melf-config --runtime=min
# --ldflags` says.
config.substitutions.append(
    ("%melf_min_ldflags", "-fuse-ld=melf -B%s -L%s -lmelf_min"
     % (melf_bin, melf_lib)))
if os.path.exists(os.path.join(melf_bin, "ld.melf")):
    config.available_features.add("ld-melf")
# MELF's ASan runtime (asan-patches/, lib/melf/asan), what melf-clang links
# for asan variants.
if os.path.exists(os.path.join(melf_lib, "melf", "asan",
                               "libclang_rt.asan-x86_64.a")):
    config.available_features.add("melf-asan-runtime")
import shutil
if os.geteuid() == 0:
    config.available_features.add("root")
# CPUs 0 and 1 usable (the fake-topology tests pin threads to them).
if hasattr(os, "sched_getaffinity") and {0, 1} <= os.sched_getaffinity(0):
    config.available_features.add("two-cpus")
if shutil.which("ccache"):
    config.available_features.add("ccache")
if shutil.which("gdb"):
    config.available_features.add("gdb")
if shutil.which("distcc") and shutil.which("distccd"):
    config.available_features.add("distcc")
# icecream (Debian package icecc): the client, the daemon and scheduler (in
# /usr/sbin) and the user its daemon runs jobs as.
import pwd
_sbin_path = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin:/sbin"
try:
    pwd.getpwnam("icecc")
    _icecc_user = True
except KeyError:
    _icecc_user = False
if _icecc_user and shutil.which("icecc") and shutil.which("icecc-create-env") and all(
        shutil.which(t, path=_sbin_path) for t in ["iceccd", "icecc-scheduler"]):
    config.available_features.add("icecc")
if shutil.which("lintian"):
    config.available_features.add("lintian")
# perf that may record a software event here (not in every container).
import subprocess, tempfile
if shutil.which("perf"):
    with tempfile.TemporaryDirectory() as d:
        if subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-o",
                           os.path.join(d, "p.data"), "true"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
            config.available_features.add("perf")
config.substitutions.append(
    ("%melf_gdb", "gdb -nx -batch -ex 'source %s' -ex 'set pagination off'"
     % os.path.join(config.melf_src_root, "tools", "gdb", "melf.py")))

# libmelf (test/runtime). MELF_CHECK must not leak in from the caller either.
config.environment.pop("MELF_CHECK", None)
config.substitutions.append(
    ("%melf_shared_libdir", os.path.join(config.melf_obj_root, "lib", "melf")))
config.substitutions.append(
    ("%melf_runtime_inputs", os.path.join(config.test_source_root, "runtime", "Inputs")))
# The CPU runs x86-64-v3 code (AVX2, FMA, BMI2, MOVBE): tests of that
# variant's code need it and are UNSUPPORTED elsewhere.
try:
    with open("/proc/cpuinfo") as f:
        cpu_flags = next((l.split(":", 1)[1].split() for l in f
                          if l.startswith("flags")), [])
except OSError:
    cpu_flags = []
if all(x in cpu_flags for x in ["avx2", "fma", "bmi2", "movbe"]):
    config.available_features.add("x86-64-v3")
if "avx512f" in cpu_flags:
    config.available_features.add("avx512f")
# An ISA feature of MELF_X86_FEATURE_NAMES this CPU lacks (the highest):
# %missing_isa_mask is its bit, %missing_isa_name its name.
cpuinfo_name = {"sahf": "lahf_lm", "sse3": "pni", "sse4.1": "sse4_1",
                "sse4.2": "sse4_2", "bmi": "bmi1", "lzcnt": "abm",
                "pclmul": "pclmulqdq", "sha": "sha_ni", "rdrnd": "rdrand",
                "avx512vnni": "avx512_vnni", "avx512bf16": "avx512_bf16",
                "avx512fp16": "avx512_fp16", "avxvnni": "avx_vnni"}
import re as _re
with open(os.path.join(config.melf_abi_include, "melf", "abi.h")) as f:
    _names = _re.search(r"MELF_X86_FEATURE_NAMES\s*\\\s*\{(.*?)\}", f.read(), _re.S)
x86_feature_names = _re.findall(r'"([^"]+)"', _names.group(1)) if _names else []
for bit in reversed(range(len(x86_feature_names))):
    name = x86_feature_names[bit]
    if cpu_flags and cpuinfo_name.get(name, name) not in cpu_flags:
        config.available_features.add("missing-isa-feature")
        config.substitutions.append(("%missing_isa_mask", hex(1 << bit)))
        config.substitutions.append(("%missing_isa_name", name))
        break
# libmelf built with ASan / TSan (build/lib/libmelf-asan.a, -tsan.a).
for san in ["asan", "tsan"]:
    config.substitutions.append(
        ("%%%s_melf_ldflags" % san, "-fuse-ld=melf -B%s -L%s -lmelf-%s"
         % (melf_bin, os.path.join(config.melf_obj_root, "lib"), san)))

# The compatibility table (test/compat): one row's build and runs.
config.substitutions.append(
    ("%compat", "bash %s %s '%s' '%s'" % (
        os.path.join(config.test_source_root, "compat", "Inputs", "run-compat.sh"),
        clang, "-fplugin=%s -I%s" % (plugin, config.melf_runtime_include),
        "-fuse-ld=melf -B%s -L%s -lmelf" % (melf_bin, os.path.join(config.melf_obj_root, "lib")))))

# AArch64 cross builds run under qemu-user (test/aarch64): Debian's cross
# libc (libc6-dev-arm64-cross) and cross GCC runtime, qemu-aarch64
# (qemu-user) and the libmelf this build made for AArch64.
a64_sysroot = "/usr/aarch64-linux-gnu"
a64_lib = os.path.join(config.melf_obj_root, "lib", "melf", "aarch64-linux-gnu")
if (shutil.which("qemu-aarch64")
        and os.path.exists(os.path.join(a64_sysroot, "include", "stdio.h"))
        and os.path.exists(os.path.join(a64_lib, "libmelf.a"))
        and os.path.exists(os.path.join(melf_bin, "ld.melf"))):
    config.available_features.add("aarch64-qemu")
config.substitutions.append(
    ("%a64_cflags", "--target=aarch64-linux-gnu -fplugin=%s -I%s -I%s"
     % (plugin, config.melf_runtime_include, config.melf_abi_include)))
config.substitutions.append(
    ("%a64_ldflags", "--target=aarch64-linux-gnu -fuse-ld=melf -B%s -L%s -lmelf"
     % (melf_bin, a64_lib)))
config.substitutions.append(
    ("%a64_min_ldflags", "--target=aarch64-linux-gnu -fuse-ld=melf -B%s -L%s -lmelf_min"
     % (melf_bin, a64_lib)))
# -cpu comes last: %qemu_a64 -cpu neoverse-n1 ./prog
config.substitutions.append(("%qemu_a64", "qemu-aarch64 -L %s" % a64_sysroot))
