#!/bin/bash
# index_dir_safety.sh — --index must never cost the user a file: a directory
# that holds anything but an index is refused (exit 2, one line, nothing
# touched) for indexing with 1 or 2 jobs, --compact, --prune and --remove;
# a new or empty directory is fine. And the same folder given as pr, ./pr,
# an absolute path or a symlink leaves its articles unchanged.
source "$(dirname "$0")/lib/index-common.bash"

mkdir -p "$T/arts/sub"
printf 'Titre un\n\nPremier texte sur la grève.\n' >"$T/arts/a.txt"
echo keep >"$T/arts/notes.doc"
echo keep >"$T/arts/sub/b.md"
for jobs in 1 2; do
  run_idx --jobs $jobs --index "$T/arts" "$T/arts/a.txt"
  expect_eq "jobs $jobs: exit" 2 "$rc"
  expect_match "jobs $jobs: message" "^depeche-index: .*/arts is not an index directory \(it holds (notes\.doc|sub|a\.txt)\); refusing" "$err"
  expect_eq "jobs $jobs: one line" 1 "$(wc -l <"$T/err")"
  expect_eq "jobs $jobs: files kept" "a.txt notes.doc sub sub/b.md" \
    "$(cd "$T/arts" && find . -mindepth 1 | sed 's|^\./||' | sort | tr '\n' ' ' | sed 's/ $//')"
done
echo x >"$T/plain"
run_idx --index "$T/plain" "$T/arts/a.txt"
expect_eq "a file as index: exit" 2 "$rc"
expect_match "a file as index: message" "plain exists and is not a directory" "$err"

# a new or empty directory is an index to be
mkdir "$T/empty"
run_idx --index "$T/empty" "$T/arts/a.txt"
expect_eq "empty dir: exit" 0 "$rc"
expect_eq "empty dir: articles" 1 "$(articles "$T/empty")"

# a file dropped into an index: compact, index, prune, remove all refuse
run_idx --index "$DB" "$T/arts/a.txt"
expect_eq "index" 0 "$rc"
echo "mes notes" >"$DB/README.txt"
for action in "--compact" "--prune" "--remove a.txt" "$T/arts/a.txt"; do
  run_idx --jobs 2 --index "$DB" $action
  expect_eq "$action with a foreign file: exit" 2 "$rc"
  expect_match "$action: message" "holds README.txt" "$err"
  expect_eq "$action: README kept" "mes notes" "$(cat "$DB/README.txt")"
done
rm "$DB/README.txt"
run_idx --index "$DB" --compact
expect_eq "compact after cleaning" 0 "$rc"

# the same folder, spelled four ways: unchanged every time
mkdir -p "$T/w/pr"
for i in 1 2 3; do printf 'Titre %s\n\nTexte numéro %s.\n' $i $i >"$T/w/pr/$i.txt"; done
ln -s "$T/w/pr" "$T/w/link"
cd "$T/w"
run_idx --index "$T/p.db" pr
expect_eq "first run" "3 added, 0 updated, 0 unchanged" "$(grep -o '^[0-9]* added, [0-9]* updated, [0-9]* unchanged' <<<"$out")"
for spelled in ./pr "$T/w/pr" link pr/; do
  run_idx --index "$T/p.db" "$spelled"
  expect_eq "$spelled: exit" 0 "$rc"
  expect_eq "$spelled: unchanged" "0 added, 0 updated, 3 unchanged" "$(grep -o '^[0-9]* added, [0-9]* updated, [0-9]* unchanged' <<<"$out")"
done
echo PASS
