#!/usr/bin/env bash
# Fetches SnowNLP, the sentiment peer, into bench/peers/snownlp next to this script. That folder is
# git-ignored: SnowNLP's code and weights are measured against, never committed.
# Usage: bench/peers/get-snownlp.sh [SOURCE]   (SOURCE: any git URL or local mirror; default upstream)
# Without internet access pass a git remote or a local clone you can reach; there is none at a fixed path.
set -euo pipefail
source_repo="${1:-https://github.com/isnowfy/snownlp}"
dest="$(cd "$(dirname "$0")" && pwd)/snownlp"
if [ -d "$dest/.git" ]; then
  echo "SnowNLP already present at $dest ($(git -C "$dest" rev-parse --short HEAD))"
  exit 0
fi
# A half-finished clone would make the next run think SnowNLP is there.
trap 'rm -rf "$dest"' ERR
git clone --quiet --no-checkout "$source_repo" "$dest"
trap - ERR
# Some mirrors keep only the smaller blobs; check out what exists and record what does not, so the
# benchmark can say exactly which part of SnowNLP it could not run.
missing=()
while IFS= read -r f; do
  if git -C "$dest" cat-file -e "HEAD:$f" 2>/dev/null; then
    git -C "$dest" checkout --quiet HEAD -- "$f"
  else
    missing+=("$f")
  fi
done < <(git -C "$dest" ls-tree -r --name-only HEAD)
rm -f "$dest/.missing-files"
if [ ${#missing[@]} -gt 0 ]; then
  printf '%s\n' "${missing[@]}" > "$dest/.missing-files"
  echo "warning: the source lacks ${#missing[@]} file(s), listed in $dest/.missing-files:" >&2
  printf '  %s\n' "${missing[@]}" >&2
fi
echo "SnowNLP $(git -C "$dest" rev-parse --short HEAD) cloned into $dest"
