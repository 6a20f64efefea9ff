// Misuse of the attributes is a Clang diagnostic with a source location.
// RUN: %cc1_melf -plugin-arg-melf variants=x86-64-v3,debug -fsyntax-only -verify %s
// RUN: %cc1_melf -fsyntax-only -verify=nocfg -DNOCFG %s
// RUN: %cc1_melf -triple aarch64-linux-gnu -fsyntax-only -verify=arm -DARM %s

#if defined(ARM)
__attribute__((variant("x86-64-v3"))) void isa(void) {} // arm-error {{MELF variant 'x86-64-v3' targets x86-64 but the target is 'aarch64-unknown-linux-gnu'}}
__attribute__((variant("debug"))) void portable(void) {}
#elif defined(NOCFG)
__attribute__((variant)) void bare(void) {} // nocfg-error {{'variant' without arguments means every configured variant, but none is configured}}
__attribute__((variant("debug"))) void named(void) {} // no configuration needed
#else

int not_a_function __attribute__((variant)); // expected-error {{'variant' attribute only applies to functions}}
__attribute__((variant(42))) void non_string(void) {} // expected-error {{argument 1 of 'variant' must be a string literal naming a variant}}
__attribute__((variant("debug", 7))) void second_non_string(void) {} // expected-error {{argument 2 of 'variant' must be a string literal}}
__attribute__((variant("x86-64-v9"))) void unknown(void) {} // expected-error {{unknown MELF variant 'x86-64-v9' (known: x86-64-v2, x86-64-v3, x86-64-v4, asan, debug, size)}}
__attribute__((variant("debug", "debug"))) void dup(void) {} // expected-warning {{variant 'debug' is listed more than once}}
__attribute__((variant("default"))) void dflt(void) {} // expected-warning {{variant 'default' is always present; ignored}}
__attribute__((variant)) void bare(void) {}

__attribute__((variant, always_inline)) inline void ai(void) {} // expected-error {{'variant' cannot be combined with 'always_inline' on 'ai'}}
__attribute__((variant("debug"), naked)) void nk(void) {} // expected-error {{'variant' cannot be combined with 'naked' on 'nk'}}
__attribute__((variant("debug"), target("avx2"))) void tg(void) {} // expected-error {{'variant' cannot be combined with 'target' on 'tg'}}
__attribute__((variant("debug"), target_clones("avx2", "default"))) void tc(void) {} // expected-error {{attribute 'target_clones' multiversioning cannot be combined with attribute 'annotate'}} expected-error {{'variant' cannot be combined with 'target_clones' on 'tc'}}
__attribute__((variant("debug"), section("mine"))) void sec(void) {} // expected-error {{'variant' cannot be combined with 'section' on 'sec'}}

// The ABI of 256-bit vectors depends on AVX: a v3 clone would disagree.
typedef float v8sf __attribute__((vector_size(32)));
typedef float v4sf __attribute__((vector_size(16)));
__attribute__((variant("x86-64-v3"))) v4sf ok128(v4sf a) { return a; }
__attribute__((variant("debug"))) v8sf ok_no_isa(v8sf a) { return a; }
__attribute__((variant("x86-64-v3")))
float vec_param(v8sf a) // expected-error {{variant 'x86-64-v3' would pass vector type 'v8sf' differently from the default body (its ABI depends on AVX); pass it by pointer or drop the variant}}
{ return a[0]; }
__attribute__((variant("x86-64-v4"))) v8sf vec_ret(void) { v8sf r = {0}; return r; } // expected-error {{variant 'x86-64-v4' would pass vector type 'v8sf' differently}}

int x __attribute__((view_local));
static int y __attribute__((view_local)) = 1;
void f(void) { static int z __attribute__((view_local)); (void)z; }
void g(int p __attribute__((view_local))) {} // expected-error {{'view_local' attribute only applies to variables with static storage duration}}
void h(void) { int local __attribute__((view_local)); (void)local; } // expected-error {{'view_local' attribute only applies to variables with static storage duration}}
__attribute__((view_local)) void fn(void) {} // expected-error {{'view_local' attribute only applies to variables with static storage duration}}
_Thread_local int t __attribute__((view_local)); // expected-error {{'view_local' variable cannot be thread-local}}
const int c __attribute__((view_local)) = 1; // expected-warning {{'view_local' on a const variable has no effect}}
int a __attribute__((view_local(1))); // expected-error {{'view_local' attribute takes no arguments}}
int s __attribute__((view_local, section("mine2"))); // expected-error {{'view_local' variable cannot have a 'section' attribute}}
#endif
