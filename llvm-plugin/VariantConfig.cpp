//===- VariantConfig.cpp - MELF variant definitions -----------------------===//

#include "VariantConfig.h"
#include "melf/abi.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/TargetParser/X86TargetParser.h"

using namespace llvm;

namespace melf {

static Error err(const Twine &Msg) {
  return createStringError(inconvertibleErrorCode(), Msg);
}

uint32_t VariantDef::flags() const {
  uint32_t F = 0;
  if (Asan)
    F |= MELF_VF_ASAN;
  if (Opt == OptMode::None)
    F |= MELF_VF_OPTNONE;
  if (Opt == OptMode::Size || Opt == OptMode::MinSize)
    F |= MELF_VF_SIZE;
  return F;
}

std::string checkVariantName(StringRef Name) {
  switch (melf_check_variant_name(Name.data(), Name.size())) {
  case MELF_NAME_OK:
    return "";
  case MELF_NAME_EMPTY:
    return "variant name is empty";
  case MELF_NAME_TOO_LONG:
    return ("variant name '" + Name + "' is longer than " +
            Twine(MELF_NAME_MAX - 1) + " characters")
        .str();
  case MELF_NAME_FIRST:
    return ("variant name '" + Name + "' must start with a letter").str();
  case MELF_NAME_CHAR:
    break;
  }
  char Bad = *llvm::find_if(Name, [](char C) {
    return !isAlnum(C) && C != '-' && C != '_';
  });
  return ("variant name '" + Name + "' contains '" + Twine(Bad) +
          "'; use letters, digits, '-' and '_'")
      .str();
}

uint32_t VariantConfig::archOfTriple(StringRef TT) {
  Triple T(TT);
  if (T.getArch() == Triple::x86_64)
    return MELF_ARCH_X86_64;
  if (T.getArch() == Triple::aarch64)
    return MELF_ARCH_AARCH64;
  return MELF_ARCH_NONE;
}

const char *VariantConfig::archName(uint32_t Arch) {
  switch (Arch) {
  case MELF_ARCH_X86_64:
    return "x86-64";
  case MELF_ARCH_AARCH64:
    return "AArch64";
  default:
    return "no architecture";
  }
}

VariantConfig::VariantConfig(uint32_t TargetArch) : TargetArch(TargetArch) {
  auto Level = [&](const char *Name, uint64_t Mask, const char *Desc) {
    VariantDef D;
    D.Name = Name;
    D.CPU = Name;
    D.Arch = MELF_ARCH_X86_64;
    D.ISA = Mask;
    D.Builtin = true;
    D.Description = Desc;
    Defs.push_back(D);
  };
  Level("x86-64-v2", MELF_X86_64_V2_MASK,
        "x86-64 psABI level 2 (SSE4.2, POPCNT, CX16)");
  Level("x86-64-v3", MELF_X86_64_V3_MASK,
        "x86-64 psABI level 3 (AVX2, FMA, BMI1/2, MOVBE)");
  Level("x86-64-v4", MELF_X86_64_V4_MASK,
        "x86-64 psABI level 4 (AVX-512 F/BW/CD/DQ/VL)");
  // AArch64: architecture versions and extensions on top of v8.2-A. The
  // clone gets the target features Clang gives `-march=armv8.2-a+dotprod`.
  auto Arm = [&](const char *Name, const char *Arch, const char *Ext,
                 const char *Desc) {
    VariantDef D;
    D.Name = Name;
    D.Features = aarch64ArchFeatures(Arch);
    if (*Ext)
      D.Features.push_back(std::string("+") + Ext);
    D.Arch = MELF_ARCH_AARCH64;
    D.ISA = cantFail(aarch64FeatureBits("", D.Features, /*Strict=*/true));
    D.Builtin = true;
    D.Description = Desc;
    Defs.push_back(D);
  };
  Arm("armv8-2-a", "armv8.2-a", "",
      "Armv8.2-A (LSE atomics, CRC32, RDM, DC CVAP)");
  Arm("armv8-4-a", "armv8.4-a", "",
      "Armv8.4-A (v8.2 + dot product, RCpc, pointer authentication, LSE2)");
  Arm("armv9-a", "armv9-a", "", "Armv9.0-A (v8.5 + SVE2, BTI, FP16)");
  Arm("lse", "armv8-a", "lse", "Armv8-A with LSE atomics (no LL/SC loops)");
  Arm("dotprod", "armv8.2-a", "dotprod", "Armv8.2-A with the dot product");
  Arm("sve", "armv8.2-a", "sve", "Armv8.2-A with SVE");
  Arm("sve2", "armv8.2-a", "sve2", "Armv8.2-A with SVE2");
  VariantDef Asan;
  Asan.Name = "asan";
  Asan.Asan = true;
  Asan.Builtin = true;
  Asan.Description = "AddressSanitizer instrumentation of the clone only";
  Defs.push_back(Asan);
  VariantDef Debug;
  Debug.Name = "debug";
  Debug.Opt = OptMode::None;
  Debug.Builtin = true;
  Debug.Description = "unoptimised (optnone, noinline)";
  Defs.push_back(Debug);
  VariantDef Size;
  Size.Name = "size";
  Size.Opt = OptMode::Size;
  Size.Builtin = true;
  Size.Description = "optimised for size (optsize)";
  Defs.push_back(Size);
}

const VariantDef *VariantConfig::find(StringRef Name) const {
  for (const VariantDef &D : Defs)
    if (D.Name == Name)
      return &D;
  return nullptr;
}

static SmallVector<StringRef, 8> splitList(StringRef List) {
  SmallVector<StringRef, 8> Out;
  SmallVector<StringRef, 8> Parts;
  List.split(Parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef P : Parts) {
    P = P.trim();
    if (!P.empty())
      Out.push_back(P);
  }
  return Out;
}

Error VariantConfig::setConfigured(StringRef CommaList) {
  auto Names = splitList(CommaList);
  if (Names.empty())
    return err("'variants=' needs at least one variant name");
  Configured.clear();
  for (StringRef N : Names) {
    if (N == MELF_DEFAULT_VARIANT)
      return err("'default' always exists and cannot be listed as a variant");
    if (!find(N))
      return err("unknown variant '" + N + "'");
    if (!is_contained(Configured, N))
      Configured.push_back(N.str());
  }
  return Error::success();
}

// Splits a function list at \p Seps outside (), <> and [], so that C++
// signatures keep their commas and spaces; "\," is a literal comma.
static std::vector<std::string> splitFunctionList(StringRef S, StringRef Seps) {
  std::vector<std::string> Out;
  std::string Cur;
  int Depth = 0;
  auto Flush = [&] {
    StringRef T = StringRef(Cur).trim();
    if (!T.empty())
      Out.push_back(T.str());
    Cur.clear();
  };
  for (size_t I = 0; I < S.size(); ++I) {
    char C = S[I];
    if (C == '\\' && I + 1 < S.size() && S[I + 1] == ',') {
      Cur += ',';
      ++I;
    } else if (Depth == 0 && Seps.contains(C)) {
      Flush();
    } else {
      // A '<' opens only if a '>' follows (a glob may be `*sum<*`).
      bool Opens = C == '(' || C == '[' ||
                   (C == '<' && S.find('>', I) != StringRef::npos);
      bool Closes = C == ')' || C == ']' || C == '>';
      Depth = std::max(Depth + int(Opens) - int(Closes), 0);
      Cur += C;
    }
  }
  Flush();
  return Out;
}

Error VariantConfig::addFunctions(StringRef CommaList) {
  return addFunctionEntries(splitFunctionList(CommaList, ","));
}

Error VariantConfig::addFunctionEntries(ArrayRef<std::string> Names) {
  if (Names.empty())
    return err("'functions=' needs at least one name or glob");
  for (StringRef N : Names)
    if (Error E = addFunctionGlob(N))
      return E;
  return Error::success();
}

Error VariantConfig::addFunctionGlob(StringRef Glob) {
  auto Text = std::make_shared<const std::string>(Glob.str());
  Expected<GlobPattern> G = GlobPattern::create(*Text);
  if (!G)
    return err("bad function glob '" + Glob + "': " + toString(G.takeError()));
  Globs.push_back(Glob.str());
  Patterns.push_back({std::move(Text), std::move(*G)});
  return Error::success();
}

Expected<uint64_t> VariantConfig::x86FeatureBits(StringRef CPU,
                                                 ArrayRef<std::string> Feats) {
  static const char *const Names[] = MELF_X86_FEATURE_NAMES;
  StringMap<bool> On;
  if (!CPU.empty()) {
    if (X86::parseArchX86(CPU, /*Only64Bit=*/true) == X86::CK_None)
      return err("unknown x86-64 CPU '" + CPU + "'");
    SmallVector<StringRef, 32> CPUFeats;
    X86::getFeaturesForCPU(CPU, CPUFeats);
    for (StringRef F : CPUFeats) {
      On[F] = true;
      X86::updateImpliedFeatures(F, true, On);
    }
  }
  for (StringRef F : Feats) {
    if (F.size() < 2 || (F[0] != '+' && F[0] != '-'))
      return err("feature '" + F + "' must start with '+' or '-'");
    On[F.drop_front()] = F[0] == '+';
    X86::updateImpliedFeatures(F.drop_front(), F[0] == '+', On);
  }
  uint64_t Bits = 0;
  for (unsigned I = 0; I < MELF_X86_FEATURE_COUNT; ++I) {
    auto It = On.find(Names[I]);
    if (It != On.end() && It->second)
      Bits |= MELF_BIT(I);
  }
  return Bits;
}

std::string VariantConfig::featureNames(uint32_t Arch, uint64_t ISA) {
  std::string Out;
  for (unsigned I = 0; I < 64; ++I)
    if (ISA & MELF_BIT(I))
      if (const char *N = melf_isa_feature_name(Arch, I)) {
        if (!Out.empty())
          Out += ',';
        Out += N;
      }
  return Out;
}

static const char *const UnsupportedSanitizers[][2] = {
    {"undefined", "UBSan checks are emitted from the AST, before any function "
                  "can be cloned"},
    {"memory", "MSan needs every function of the program instrumented"},
    {"thread", "TSan needs every memory access of the program instrumented"},
    {"hwaddress", "HWASan is not available per function on x86-64"},
    {"cfi", "CFI is emitted from the AST"},
};

Error VariantConfig::defineFromTokens(StringRef Name,
                                      ArrayRef<StringRef> KeyValues) {
  if (std::string Msg = checkVariantName(Name); !Msg.empty())
    return err(Msg);
  if (Name == MELF_DEFAULT_VARIANT)
    return err("'default' is built in and cannot be redefined");
  if (const VariantDef *Old = find(Name))
    return err("variant '" + Name + "' is already defined" +
               (Old->Builtin ? " (built in)" : ""));
  VariantDef D;
  D.Name = Name.str();
  for (StringRef KV : KeyValues) {
    auto [Key, Value] = KV.split('=');
    if (!KV.contains('=') || Value.empty())
      return err("expected key=value, got '" + KV + "'");
    if (Key == "cpu") {
      D.CPU = Value.str();
    } else if (Key == "features") {
      for (StringRef F : splitList(Value))
        D.Features.push_back(F.str());
    } else if (Key == "opt") {
      if (Value == "inherit")
        D.Opt = OptMode::Inherit;
      else if (Value == "0" || Value == "none")
        D.Opt = OptMode::None;
      else if (Value == "s")
        D.Opt = OptMode::Size;
      else if (Value == "z")
        D.Opt = OptMode::MinSize;
      else
        return err("opt must be one of inherit, 0, none, s, z; got '" + Value +
                   "'");
    } else if (Key == "sanitize") {
      for (StringRef S : splitList(Value)) {
        if (S == "address") {
          D.Asan = true;
          continue;
        }
        for (const auto &U : UnsupportedSanitizers)
          if (S == U[0])
            return err("sanitizer '" + S + "' cannot differ per function: " +
                       U[1] + "; use a whole-file variant");
        return err("unknown sanitizer '" + S + "'");
      }
    } else if (Key == "description") {
      D.Description = Value.str();
    } else {
      return err("unknown key '" + Key +
                 "' (expected cpu, features, opt, sanitize, description)");
    }
  }
  if (!D.CPU.empty() || !D.Features.empty()) {
    // Read for the compile's architecture; an x86-64 CPU name in an
    // AArch64 compile makes an x86-64 variant (which the plugin refuses
    // with the target named).
    if (TargetArch == MELF_ARCH_AARCH64 &&
        (D.CPU.empty() ||
         X86::parseArchX86(D.CPU, /*Only64Bit=*/true) == X86::CK_None)) {
      Expected<uint64_t> Bits =
          aarch64FeatureBits(D.CPU, D.Features, /*Strict=*/true);
      if (!Bits)
        return Bits.takeError();
      D.Arch = MELF_ARCH_AARCH64;
      D.ISA = *Bits;
    } else {
      Expected<uint64_t> Bits = x86FeatureBits(D.CPU, D.Features);
      if (!Bits)
        return Bits.takeError();
      D.Arch = MELF_ARCH_X86_64;
      D.ISA = *Bits;
    }
  }
  Defs.push_back(std::move(D));
  return Error::success();
}

Error VariantConfig::define(StringRef Spec) {
  SmallVector<StringRef, 8> Parts;
  Spec.split(Parts, ':', -1, /*KeepEmpty=*/false);
  if (Parts.empty())
    return err("'define=' needs NAME:key=value...");
  return defineFromTokens(Parts[0].trim(), ArrayRef(Parts).drop_front());
}

Error VariantConfig::parseArgument(StringRef Arg) {
  auto [Key, Value] = Arg.split('=');
  if (Key == "variants")
    return setConfigured(Value);
  if (Key == "functions")
    return addFunctions(Value);
  if (Key == "variants-file") {
    if (Value.empty())
      return err("'variants-file=' needs a path");
    return loadFile(Value);
  }
  if (Key == "define")
    return define(Value);
  if (Key == "as-variant") {
    if (std::string Msg = checkVariantName(Value); !Msg.empty())
      return err(Msg);
    if (Value == MELF_DEFAULT_VARIANT)
      return err("'as-variant=default' is the ordinary build; use "
                 "'whole-file' for it");
    AsVariant = Value.str();
    return Error::success();
  }
  if (Key == "whole-file") {
    WholeFile = true;
    for (StringRef V : splitList(Value)) {
      if (std::string Msg = checkVariantName(V); !Msg.empty())
        return err(Msg);
      WholeFileVariants.push_back(V.str());
    }
    return Error::success();
  }
  return err("unknown argument '" + Arg +
             "' (expected variants=, functions=, variants-file=, define=, "
             "as-variant=, whole-file[=V,...])");
}

Error VariantConfig::loadFile(StringRef Path) {
  auto Buf = MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return err("cannot read variants file '" + Path +
               "': " + Buf.getError().message());
  return parseFile((*Buf)->getBuffer(), Path);
}

Error VariantConfig::parseFile(StringRef Text, StringRef Path) {
  SmallVector<StringRef, 32> Lines;
  Text.split(Lines, '\n');
  // Definitions first would be friendlier, but a file is read top to bottom:
  // a 'variants' line may only name variants defined above it.
  for (size_t I = 0; I < Lines.size(); ++I) {
    StringRef Line = Lines[I].split('#').first.trim();
    if (Line.empty())
      continue;
    SmallVector<StringRef, 8> Tok;
    SplitString(Line, Tok, " \t\r");
    Error E = Error::success();
    if (Tok[0] == "variant") {
      if (Tok.size() < 2)
        E = err("'variant' needs a name");
      else
        E = defineFromTokens(Tok[1], ArrayRef(Tok).drop_front(2));
    } else if (Tok[0] == "functions") {
      // Entries separated by blanks outside (), <> and [].
      E = addFunctionEntries(splitFunctionList(
          Line.drop_front(Tok[0].size()), " \t\r"));
    } else if (Tok[0] == "variants") {
      std::string List;
      for (StringRef T : ArrayRef(Tok).drop_front())
        List += (T + ",").str();
      E = setConfigured(List);
    } else {
      E = err("unknown directive '" + Tok[0] +
              "' (expected variant, variants, functions)");
    }
    if (E)
      return err(Path + ":" + Twine(I + 1) + ": " + toString(std::move(E)));
  }
  return Error::success();
}

// The three forms a function-list glob is matched against.
namespace {
struct FunctionNames {
  explicit FunctionNames(StringRef Mangled)
      : Mangled(Mangled), Demangled(demangle(Mangled)),
        // "ns::f(int)" -> "ns::f": globs name functions, not overloads.
        Base(StringRef(Demangled).split('(').first) {}
  FunctionNames(const FunctionNames &) = delete; // Base points into Demangled
  bool matchedBy(const GlobPattern &G) const {
    return G.match(Mangled) || G.match(Demangled) || G.match(Base);
  }
  StringRef Mangled;
  std::string Demangled;
  StringRef Base;
};
} // namespace

bool VariantConfig::matchesFunctionList(StringRef Mangled) const {
  if (Globs.empty())
    return false;
  FunctionNames Names(Mangled);
  return llvm::any_of(Patterns, [&](const CompiledGlob &G) {
    return Names.matchedBy(G.Pattern);
  });
}

SmallVector<unsigned, 4>
VariantConfig::matchingFunctionGlobs(StringRef Mangled) const {
  SmallVector<unsigned, 4> Out;
  if (Globs.empty())
    return Out;
  FunctionNames Names(Mangled);
  for (unsigned I = 0; I < Patterns.size(); ++I)
    if (Names.matchedBy(Patterns[I].Pattern))
      Out.push_back(I);
  return Out;
}

} // namespace melf
