# bash completion for aftermath(1): commands, each command's options, and
# the values of --profile, --format and --fail-on; directories for CONTENT_DIR and -o.
# Installed as share/bash-completion/completions/aftermath.

_aftermath()
{
	local cur prev cmd opts
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	local commands="build check new serve stats overdue init help"

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return 0
	fi
	cmd=${COMP_WORDS[1]}

	case $prev in
	--profile)
		COMPREPLY=($(compgen -W "internal public" -- "$cur"))
		return 0 ;;
	--format)
		if [ "$cmd" = stats ]; then
			COMPREPLY=($(compgen -W "text json" -- "$cur"))
		elif [ "$cmd" = overdue ]; then
			COMPREPLY=($(compgen -W "text markdown json" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "text json github gitlab" -- "$cur"))
		fi
		return 0 ;;
	--fail-on)
		COMPREPLY=($(compgen -W "must should any" -- "$cur"))
		return 0 ;;
	-o|--output)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0 ;;
	--as-of|--since|--base-url|--jobs|-j|--title|--port|--lua-memory|--page-output|--max-seconds|--date|--owner|--fail-on)
		return 0 ;;
	--severity)
		local dir=content
		[ "${COMP_WORDS[2]:0:1}" != - ] && [ -n "${COMP_WORDS[2]}" ] && [ "$COMP_CWORD" -gt 3 ] && dir=${COMP_WORDS[2]}
		local sev
		sev=$(sed -n 's/^severities:[[:space:]]*\[\(.*\)\].*/\1/p' "$dir/site.yaml" 2>/dev/null | tr -d ' ' | tr ',' ' ')
		COMPREPLY=($(compgen -W "${sev:-SEV1 SEV2 SEV3 SEV4}" -- "$cur"))
		return 0 ;;
	--service)
		return 0 ;;
	esac

	case $cmd in
	build) opts="--output --profile --as-of --since --base-url --jobs --strict --format --quiet --timings --max-seconds --allow-outside-links --lua-memory --page-output --help" ;;
	check) opts="--profile --strict --format --quiet --jobs --max-seconds --allow-outside-links --lua-memory --explain --help" ;;
	new) opts="--title --severity --service --date --owner --as-of --quiet --help" ;;
	serve) opts="--port --output --profile --as-of --jobs --allow-outside-links --help" ;;
	stats) opts="--as-of --profile --format --jobs --help" ;;
	overdue) opts="--format --owner --service --fail-on --base-url --as-of --allow-outside-links --help" ;;
	init) opts="--quiet --help" ;;
	help)
		COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		return 0 ;;
	*) return 0 ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	else
		COMPREPLY=($(compgen -d -- "$cur"))
	fi
	return 0
}
complete -F _aftermath aftermath
