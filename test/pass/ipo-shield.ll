; Callers must never specialise on the default body of a multivariant
; function: a view may run another variant at the same address. One RUN line
; per interprocedural pass that would otherwise use the body's facts; the
; unshielded control (@plain_*) shows each pass really fires.
; RUN: %opt_melf -passes='melf,ipsccp' -S %s | FileCheck %s --check-prefix=IPSCCP
; RUN: %opt_melf -passes='melf,cgscc(function-attrs)' -S %s | FileCheck %s --check-prefix=FATTRS
; RUN: %opt_melf -passes='melf,cgscc(argpromotion)' -S %s | FileCheck %s --check-prefix=ARGPROM
; RUN: %opt_melf -passes='melf,deadargelim' -S %s | FileCheck %s --check-prefix=DAE
; RUN: %opt_melf -passes='melf,globalopt' -S %s | FileCheck %s --check-prefix=FASTCC
; RUN: %opt_melf -passes='melf,cgscc(inline)' -S %s | FileCheck %s --check-prefix=INLINE
; LTO internalisation may make the default body local; even then nothing
; may use its facts (it stays non-exact and address-taken by its group).
; RUN: %opt_melf -passes='melf,internalize,ipsccp,deadargelim,globalopt,cgscc(argpromotion,inline)' -internalize-public-api-list=caller,plain_caller -S %s | FileCheck %s --check-prefix=INTERN
; RUN: %opt_melf -passes='melf,verify' -disable-output %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define i32 @answer() "melf.variants"="debug" {
  ret i32 42
}
define i32 @plain_answer() {
  ret i32 42
}

define internal i32 @load_arg(ptr %p, i32 %unused) "melf.variants"="debug" {
  %v = load i32, ptr %p
  ret i32 %v
}
define internal i32 @plain_load_arg(ptr %p, i32 %unused) {
  %v = load i32, ptr %p
  ret i32 %v
}

define i32 @caller(ptr %p) {
  %a = call i32 @answer()
  %b = call i32 @load_arg(ptr %p, i32 1)
  %s = add i32 %a, %b
  ret i32 %s
}
define i32 @plain_caller(ptr %p) {
  %a = call i32 @plain_answer()
  %b = call i32 @plain_load_arg(ptr %p, i32 1)
  %s = add i32 %a, %b
  ret i32 %s
}

; IPSCCP-LABEL: define i32 @caller(
; IPSCCP: %a = call i32 @answer()
; IPSCCP: %s = add i32 %a, %b
; IPSCCP-LABEL: define i32 @plain_caller(
; IPSCCP: %s = add i32 42, %b

; FATTRS: define i32 @answer() [[ANS:#[0-9]+]] section
; FATTRS: define noundef i32 @plain_answer() [[PLAIN:#[0-9]+]] {
; FATTRS: attributes [[ANS]] = { nobuiltin noduplicate noinline }
; FATTRS: attributes [[PLAIN]] = {{.*}}memory(none)

; ARGPROM: define internal i32 @load_arg(ptr %p, i32 %unused)
; ARGPROM: define internal i32 @plain_load_arg(i32 %p.0.val

; DAE: define internal i32 @load_arg(ptr %p, i32 %unused)
; DAE: define internal i32 @plain_load_arg(ptr %p)

; FASTCC: define internal i32 @load_arg(
; FASTCC: define internal fastcc i32 @plain_load_arg(

; INLINE-LABEL: define i32 @caller(
; INLINE: call i32 @answer()
; INLINE: call i32 @load_arg(
; INLINE-LABEL: define i32 @plain_caller(
; INLINE-NOT: call
; INLINE: ret i32

; INTERN: define internal i32 @answer()
; INTERN: define internal i32 @load_arg(ptr %p, i32 %unused)
; INTERN-LABEL: define i32 @caller(
; INTERN: %a = call i32 @answer()
; INTERN: %b = call i32 @load_arg(ptr %p, i32 1)
; INTERN: add i32 %a, %b
; INTERN-LABEL: define i32 @plain_caller(
; INTERN: add i32 42,
