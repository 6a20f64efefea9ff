//===- FunctionList.cpp - the functions melf-annotate looks for -----------===//

#include "FunctionList.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace melf {

static Error err(const Twine &Msg) {
  return createStringError(inconvertibleErrorCode(), Msg);
}

std::string escapeGlob(StringRef Name) {
  std::string Out;
  for (char C : Name) {
    if (StringRef("*?[]\\").contains(C))
      Out += '\\';
    Out += C;
  }
  return Out;
}

std::string normaliseProfileName(StringRef Name) {
  std::string N = Name.trim().str();
  if (N.empty() || StringRef(N).starts_with("0x") ||
      StringRef(N).ends_with("@plt"))
    return "";
  // Clone suffixes of demangled names: " [clone .cold]" (GNU), " (.cold)"
  // (LLVM).
  for (;;) {
    StringRef S(N);
    size_t P = S.ends_with("]")   ? S.rfind(" [clone ")
               : S.ends_with(")") ? S.rfind(" (.")
                                  : StringRef::npos;
    if (P == StringRef::npos)
      break;
    N.resize(P);
  }
  // Suffixes of plain and mangled names: f.cold, f.melf.debug, f@@VERSION.
  if (N.find('(') == std::string::npos)
    N = StringRef(N).take_until([](char C) { return C == '.' || C == '@'; });
  for (size_t P; (P = N.find("> >")) != std::string::npos;)
    N.erase(P + 1, 1);
  return N;
}

std::vector<std::string> profileGlobs(StringRef Name) {
  std::vector<std::string> Out{escapeGlob(Name)};
  if (Name.contains('<') && !Name.contains('('))
    Out.push_back("* " + Out.front());
  return Out;
}

Error FunctionList::add(StringRef Text, ArrayRef<std::string> EntryGlobs) {
  if (!Seen.insert(Text).second)
    return Error::success();
  for (const std::string &G : EntryGlobs) {
    if (Error E = Globs.addFunctionGlob(G))
      return E;
    GlobToEntry.push_back(Entries.size());
  }
  Entries.push_back({Text.str(), false});
  return Error::success();
}

SmallVector<unsigned, 4> FunctionList::match(ArrayRef<std::string> Names) {
  SmallVector<unsigned, 4> Out;
  for (const std::string &N : Names)
    for (unsigned G : Globs.matchingFunctionGlobs(N))
      if (!is_contained(Out, GlobToEntry[G])) {
        Out.push_back(GlobToEntry[G]);
        Entries[GlobToEntry[G]].Matched = true;
      }
  llvm::sort(Out);
  return Out;
}

namespace {

/// A function of a profile and how hot it is.
struct Hot {
  std::string Name;
  double Weight;
  size_t Order; ///< first appearance
};

/// `    12.34%  prog  prog  [.] func`: the share and, for a user-space
/// symbol (`[.]`), the symbol. False if the line is no entry.
bool perfEntry(StringRef Line, double &Share, StringRef &Symbol) {
  StringRef L = Line.trim();
  auto [Pct, Rest] = L.split('%');
  if (Rest.size() == 0 || Pct.getAsDouble(Share))
    return false;
  for (size_t I = Rest.find('['); I != StringRef::npos;
       I = Rest.find('[', I + 1))
    if (I + 3 < Rest.size() && Rest[I + 2] == ']' && Rest[I + 3] == ' ') {
      Symbol = Rest[I + 1] == '.' ? Rest.drop_front(I + 4).trim() : "";
      return true;
    }
  return false;
}

/// `      50   40.7%  scale    default` (melf-perf-report): samples and
/// function. False if the line is no entry.
bool melfPerfEntry(StringRef Line, double &Samples, StringRef &Function) {
  SmallVector<StringRef, 4> Tok;
  SplitString(Line, Tok, " \t\r");
  if (Tok.size() != 4 || !Tok[1].ends_with("%") || Tok[0].getAsDouble(Samples))
    return false;
  Function = Tok[2] == "(padding)" ? "" : Tok[2];
  return true;
}

FunctionList::Format detect(ArrayRef<StringRef> Lines) {
  for (StringRef L : Lines) {
    SmallVector<StringRef, 4> Tok;
    SplitString(L, Tok, " \t\r");
    if (L.starts_with("melf-perf-report:") ||
        ArrayRef(Tok) ==
            ArrayRef<StringRef>({"samples", "share", "function", "variant"}))
      return FunctionList::Format::MelfPerfReport;
  }
  for (StringRef L : Lines) {
    double Share;
    StringRef Symbol;
    if (perfEntry(L, Share, Symbol))
      return FunctionList::Format::PerfReport;
  }
  return FunctionList::Format::Names;
}

/// The functions of a profile, hottest first: weights of one function
/// (several DSOs, variants or clones) are added up.
std::vector<Hot> profileFunctions(ArrayRef<StringRef> Lines,
                                  FunctionList::Format F) {
  std::vector<Hot> Out;
  StringMap<size_t> Index;
  for (StringRef L : Lines) {
    double Weight;
    StringRef Symbol;
    bool Entry = F == FunctionList::Format::PerfReport
                     ? perfEntry(L, Weight, Symbol)
                     : melfPerfEntry(L, Weight, Symbol);
    std::string Name = Entry ? normaliseProfileName(Symbol) : "";
    if (Name.empty())
      continue;
    auto [It, New] = Index.try_emplace(Name, Out.size());
    if (New)
      Out.push_back({Name, 0, Out.size()});
    Out[It->second].Weight += Weight;
  }
  llvm::sort(Out, [](const Hot &A, const Hot &B) {
    return A.Weight != B.Weight ? A.Weight > B.Weight : A.Order < B.Order;
  });
  return Out;
}

} // namespace

Expected<FunctionList> FunctionList::parse(StringRef Text, StringRef Path,
                                           unsigned Top) {
  SmallVector<StringRef, 64> Lines;
  Text.split(Lines, '\n');
  FunctionList FL;
  FL.Fmt = detect(Lines);
  auto Full = [&] { return Top && FL.Entries.size() >= Top; };
  if (FL.Fmt == Format::Names) {
    for (size_t I = 0; I < Lines.size() && !Full(); ++I) {
      StringRef L = Lines[I].trim();
      if (L.empty() || L.starts_with("#"))
        continue;
      if (Error E = FL.add(L, {L.str()}))
        return err(Path + ":" + Twine(I + 1) + ": " + toString(std::move(E)));
    }
  } else {
    for (const Hot &H : profileFunctions(Lines, FL.Fmt)) {
      if (Full())
        break;
      if (Error E = FL.add(H.Name, profileGlobs(H.Name)))
        return err(Path + ": " + toString(std::move(E)));
    }
  }
  if (FL.Entries.empty())
    return err(Path + ": " +
               (FL.Fmt == Format::Names
                    ? "no function names in it"
                    : "no user-space functions in this profile"));
  return FL;
}

Expected<FunctionList> FunctionList::load(StringRef Path, unsigned Top) {
  auto Buf = MemoryBuffer::getFileOrSTDIN(Path, /*IsText=*/true);
  if (!Buf)
    return err("cannot read '" + Path + "': " + Buf.getError().message());
  return parse((*Buf)->getBuffer(), Path, Top);
}

} // namespace melf
