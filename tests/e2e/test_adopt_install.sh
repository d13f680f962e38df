# Adoption (issue 20): the man page, bash completion, `make install` and the
# Debian package (built, inspected with dpkg-deb, unpacked into a temporary
# root whose binary inits and builds a site with nothing read from the checkout).
V=$("$AFTERMATH" --version | cut -d' ' -f2)
BUILDDIR=$(dirname "$AFTERMATH")
adopt_make() { env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s "$@"; }
# complete WORDS...: what bash completion offers for the last word.
adopt_complete() {
	bash -c '. completions/aftermath.bash; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _aftermath; echo "${COMPREPLY[*]}"' _ "$@"
}

t_begin "the man page renders, without groff warnings, and names every command and option"
assert_exit 0 env MANPAGER=cat MANWIDTH=100 man -l man/aftermath.1
cp "$OUT" "$T/man.txt"
for s in "aftermath init" "aftermath build" "aftermath check" "SOURCE_DATE_EPOCH" "EXIT STATUS" "gitlab"; do
	assert_contains "$T/man.txt" "$s"
done
assert_exit 0 groff -man -Tutf8 -ww -z man/aftermath.1
assert_eq "$(cat "$ERR")" "" "groff warnings"
"$AFTERMATH" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u > "$T/options"
while read -r opt; do
	if grep -qF -- "$opt" "$T/man.txt"; then _pass; else _fail "the man page does not document $opt"; fi
done < "$T/options"
for cmd in build check new serve stats overdue init help; do assert_contains "$T/man.txt" "aftermath $cmd"; done

t_begin "bash completion completes commands, options and their values"
assert_eq "$(adopt_complete aftermath '')" "build check new serve stats overdue init help --help --version" "commands"
assert_eq "$(adopt_complete aftermath i)" "init" "i<TAB>"
assert_eq "$(adopt_complete aftermath check --f)" "--format" "check --f<TAB>"
assert_eq "$(adopt_complete aftermath check --format '')" "text json github gitlab" "check --format <TAB>"
assert_eq "$(adopt_complete aftermath stats --format '')" "text json" "stats --format <TAB>"
assert_eq "$(adopt_complete aftermath overdue --format '')" "text markdown json" "overdue --format <TAB>"
assert_eq "$(adopt_complete aftermath overdue --fail-on '')" "must should any" "overdue --fail-on <TAB>"
assert_eq "$(adopt_complete aftermath build --profile p)" "public" "--profile p<TAB>"
assert_eq "$(adopt_complete aftermath build --st)" "--strict" "build --st<TAB>"
assert_eq "$(adopt_complete aftermath help se)" "serve" "help se<TAB>"
mkdir -p "$T/comp/kbdir"
assert_eq "$(cd "$T/comp" && bash -c ". '$ROOT/completions/aftermath.bash'; COMP_WORDS=(aftermath build kb); COMP_CWORD=2; _aftermath; echo \"\${COMPREPLY[*]}\"")" "kbdir" "a content directory"
assert_eq "$(bash -c '. completions/aftermath.bash; complete -p aftermath')" "complete -F _aftermath aftermath" "registered"
# every option a command's help names is offered for it
for cmd in build check new stats init; do
	"$AFTERMATH" help "$cmd" | sed -n '/^  -/p' | grep -oE -- '--[a-z][a-z-]+' | sort -u > "$T/opts-$cmd"
	offered=" $(adopt_complete aftermath "$cmd" --) "
	while read -r opt; do
		case $offered in *" $opt "*) _pass ;; *) _fail "completion of $cmd does not offer $opt" ;; esac
	done < "$T/opts-$cmd"
done

t_begin "make install honours PREFIX and DESTDIR"
assert_exit 0 adopt_make install-files BUILD="$BUILDDIR" PREFIX=/opt/am DESTDIR="$T/dest"
for f in bin/aftermath share/aftermath/layouts/base.html share/aftermath/lint/blame-language.lua \
	share/aftermath/init/site.yaml share/aftermath/init/gitignore share/man/man1/aftermath.1 \
	share/bash-completion/completions/aftermath; do
	assert_file "$T/dest/opt/am/$f"
done
mkdir -p "$T/elsewhere"
assert_exit 0 sh -c "cd '$T/elsewhere' && '$T/dest/opt/am/bin/aftermath' init kb && '$T/dest/opt/am/bin/aftermath' build kb -o site --strict"
assert_file "$T/elsewhere/site/index.html"

t_begin "make deb: the package's files and control data"
assert_exit 0 scripts/make-deb "$BUILDDIR" "$V" "$T/deb"
DEB=$(cat "$OUT")
assert_eq "$DEB" "$T/deb/aftermath_$(printf '%s' "$V" | tr -- - +)_$(dpkg --print-architecture).deb" "the package's name"
assert_file "$DEB"
assert_exit 0 dpkg-deb -I "$DEB"
cp "$OUT" "$T/info"
assert_contains "$T/info" "Package: aftermath"
assert_contains "$T/info" "Version: $(printf '%s' "$V" | tr -- - +)"
for lib in libpcre2-8-0 libmicrohttpd12 "libc6 (>= 2."; do assert_contains "$T/info" "$lib"; done
if readelf -d "$AFTERMATH" | grep -q 'liblua'; then
	assert_contains "$T/info" "liblua5.4-0"
else
	for lib in liblua libcmark libyaml; do assert_eq "$(grep '^ Depends:' "$T/info" | grep -c "$lib")" 0 "$lib in Depends"; done
	assert_contains "$T/info" "linked statically"
fi
assert_exit 0 dpkg-deb -c "$DEB"
for f in ./usr/bin/aftermath ./usr/share/aftermath/layouts/base.html ./usr/share/aftermath/lint/blame-language.lua \
	./usr/share/aftermath/init/site.yaml ./usr/share/aftermath/init/github-workflow.yml \
	./usr/share/man/man1/aftermath.1.gz ./usr/share/bash-completion/completions/aftermath; do
	assert_stdout_contains " $f"
done
assert_not_contains "$OUT" "/usr/local"

t_begin "the unpacked package inits and builds a site, reading nothing from the checkout"
assert_exit 0 dpkg-deb -x "$DEB" "$T/root"
mkdir -p "$T/run"
# (LeakSanitizer cannot run under ptrace: a sanitizer build skips the leak check here)
assert_exit 0 sh -c "cd '$T/run' && env -u AFTERMATH_THEME -u AFTERMATH_LINT -u AFTERMATH_INIT \
	ASAN_OPTIONS='${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0' \
	strace -f -qq -e trace=%file -o '$T/strace.log' sh -c './../root/usr/bin/aftermath init kb && \
	../root/usr/bin/aftermath check kb --strict && ../root/usr/bin/aftermath build kb -o site --strict'"
assert_file "$T/run/kb/.gitlab-ci.yml"
assert_file "$T/run/site/postmortems/pm-2025-001/index.html"
assert_eq "$(ls "$T/run/site/assets" | grep -c '^style\..*\.css$')" 1 "the theme's style sheet"
assert_contains "$T/strace.log" "$T/root/usr/share/aftermath/layouts"
assert_contains "$T/strace.log" "$T/root/usr/share/aftermath/init"
assert_contains "$T/strace.log" "$T/root/usr/share/aftermath/lint"
assert_eq "$(grep -c "$ROOT" "$T/strace.log")" 0 "file lookups in the checkout ($ROOT)"
assert_eq "$("$T/root/usr/bin/aftermath" --version)" "aftermath $V" "the unpacked binary's version"
assert_exit 0 env MANPAGER=cat man -l "$T/root/usr/share/man/man1/aftermath.1.gz"
assert_stdout_contains "aftermath init"
