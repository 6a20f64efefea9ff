; Function specialisation (part of IPSCCP, also in the LTO pipeline) must
; not clone the default body of a multivariant function for a constant
; argument: the copy would sit in the default body's section and callers
; would call it directly, past the slot (found with a function-pointer
; argument: every non-default variant then ran other code at that address).
; The unshielded control (@plain_apply) shows the pass fires.
; RUN: %opt_melf -passes='melf,ipsccp' -force-specialization -S %s | FileCheck %s --implicit-check-not=@apply.specialized
; RUN: %opt_melf -passes='melf,ipsccp' -force-specialization -funcspec-for-literal-constant -S %s | FileCheck %s --implicit-check-not=@apply.specialized
; CHECK-DAG: call i64 @apply(ptr @twice, i64 20)
; CHECK-DAG: call i64 @apply(ptr @thrice, i64 20)
; CHECK-DAG: call i64 @plain_apply.specialized.{{[0-9]+}}(ptr @twice, i64 20)

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define internal i64 @twice(i64 %x) {
  %r = shl i64 %x, 1
  ret i64 %r
}
define internal i64 @thrice(i64 %x) {
  %r = mul i64 %x, 3
  ret i64 %r
}

define i64 @apply(ptr %f, i64 %x) "melf.variants"="debug" {
  %r = call i64 %f(i64 %x)
  ret i64 %r
}
define i64 @plain_apply(ptr %f, i64 %x) {
  %r = call i64 %f(i64 %x)
  ret i64 %r
}

define i64 @caller() {
  %a = call i64 @apply(ptr @twice, i64 20)
  %b = call i64 @apply(ptr @thrice, i64 20)
  %c = call i64 @plain_apply(ptr @twice, i64 20)
  %d = call i64 @plain_apply(ptr @thrice, i64 20)
  %s1 = add i64 %a, %b
  %s2 = add i64 %c, %d
  %s = add i64 %s1, %s2
  ret i64 %s
}
