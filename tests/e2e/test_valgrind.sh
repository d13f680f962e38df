# Valgrind-clean on the sample site: no memory errors, no definite leaks.
# (Skipped for the sanitizer build, which cannot run under valgrind.)
# The binary is linked with jemalloc: --soname-synonyms makes valgrind replace
# jemalloc's malloc and free as it does glibc's, so every block is checked.
case "$AFTERMATH" in
*sanitize*) ;;
*)
	t_begin "valgrind: building the sample site"
	if command -v valgrind >/dev/null; then
		assert_exit 0 valgrind --soname-synonyms=somalloc='*jemalloc*' --leak-check=full --error-exitcode=9 --errors-for-leak-kinds=definite -q \
			"$AFTERMATH" build content -o "$T/vg" --as-of 2026-11-23 --jobs 2
		assert_exit 0 valgrind --soname-synonyms=somalloc='*jemalloc*' --leak-check=full --error-exitcode=9 --errors-for-leak-kinds=definite -q \
			"$AFTERMATH" check tests/fixtures/lint
	else
		_fail "valgrind is not installed"
	fi
	;;
esac
