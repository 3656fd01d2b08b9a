# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_bloop_global_optspecs
    string join \n config= v/verbose q/quiet wide h/help V/version
end

function __fish_bloop_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_bloop_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_bloop_using_subcommand
    set -l cmd (__fish_bloop_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c bloop -n "__fish_bloop_needs_command" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_needs_command" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_needs_command" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_needs_command" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_needs_command" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_needs_command" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "serve" -d 'Run the ingest server, the query API and the dashboard'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "sign" -d 'Print the hex HMAC-SHA256 signature of the exact bytes of a file or stdin'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "fingerprint" -d 'Print the issue key (fingerprint) of the events in a file, offline; --explain says why'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "send" -d 'Send a test error, or events from flags or a file, to a bloop server'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "query" -d 'Query issues: list, detail, stats, releases; change their status'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "projects" -d 'Manage projects'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "keys" -d 'Manage project ingest keys'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "tokens" -d 'Manage API bearer tokens'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "sourcemaps" -d 'JavaScript source maps: upload a release\'s bundles and maps, list, delete'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "users" -d 'Manage dashboard users and invite links'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "prune" -d 'Remove raw events older than their retention (cron-safe)'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "llm" -d 'LLM traces: usage and cost, models, prompts, budgets, traces, sessions, prices, settings'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "analytics" -d 'Insights: spikes, movers, correlated issues, releases, environments (`--features analytics`)'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "alerts" -d 'Manage alert rules (new issue, regression, threshold, spike → Slack, webhook, email)'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "health" -d 'Check a server\'s /health; exit 0 when healthy, 1 otherwise'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "doctor" -d 'Check configuration, database, server and clock; exit 1 if anything is wrong'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "backup" -d 'Write a consistent copy of the database (safe while serve runs)'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "migrate-to-postgres" -d 'Move a SQLite database into an empty PostgreSQL one (resumable; verified by counts)'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, powershell, elvish)'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "man" -d 'Write man pages (bloop.1 and one per subcommand) into a directory'
complete -c bloop -n "__fish_bloop_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand serve" -s p -l port -d 'Listen on this port instead of `server.port`' -r
complete -c bloop -n "__fish_bloop_using_subcommand serve" -l host -d 'Listen on this address instead of `server.host`' -r
complete -c bloop -n "__fish_bloop_using_subcommand serve" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand serve" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand serve" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand serve" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand serve" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand serve" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand sign" -l key -d 'Signing key: a project key (`bloop_…`) or the legacy secret (default: auth.hmac_secret)' -r
complete -c bloop -n "__fish_bloop_using_subcommand sign" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand sign" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand sign" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand sign" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand sign" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand sign" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand fingerprint" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand fingerprint" -l explain -d 'Explain the key: the normalised message, the grouping frame and the lines skipped before it (and why), or the client\'s own key'
complete -c bloop -n "__fish_bloop_using_subcommand fingerprint" -l json -d 'Print as JSON (with `--explain`, every input of the key)'
complete -c bloop -n "__fish_bloop_using_subcommand fingerprint" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand fingerprint" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand fingerprint" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand fingerprint" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand fingerprint" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand send" -l url -d 'Server to send to (default: this machine\'s configured port)' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -l key -d 'Project ingest key (`bloop_…`): sent as X-Project-Key and used to sign' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -l secret -d 'Legacy global secret to sign with (default: auth.hmac_secret) → `default` project' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -s m -l message -d 'Error message' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -s t -l type -d 'Error type, e.g. TypeError' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -l source -d 'Source: ios, android, api, python, web…' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -l env -d 'Environment (default production)' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -l release -d 'Release, e.g. 1.4.0' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -l route -d 'Route or procedure, e.g. "POST /api/users"' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -l stack -d 'File holding the stack trace' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand send" -l metadata -d 'Metadata as a JSON object' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -s f -l file -d 'Events to send: one event, a {"events": [...]} batch, or JSON lines (`-` = stdin)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand send" -s n -l count -d 'Send the event(s) this many times' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -l batch-size -d 'Events per batch request' -r
complete -c bloop -n "__fish_bloop_using_subcommand send" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand send" -l trace -d 'Send a test LLM trace instead of an error: a generation span with a tool call under it'
complete -c bloop -n "__fish_bloop_using_subcommand send" -l json -d 'Print the server\'s answer as JSON'
complete -c bloop -n "__fish_bloop_using_subcommand send" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand send" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand send" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand send" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand send" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -f -a "errors" -d 'List issues, most recently seen first'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -f -a "error" -d 'One issue: stack, breakdowns, samples and the last 24 hours'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -f -a "stats" -d 'Totals, unresolved issues, events in the last 24 h and top routes'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -f -a "releases" -d 'Releases with their issue and event counts'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -f -a "resolve" -d 'Mark an issue resolved (optionally in a release: older releases do not reopen it)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -f -a "ignore" -d 'Ignore an issue (new events do not reopen it or alert)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -f -a "mute" -d 'Mute an issue (counted, never alerted)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -f -a "unresolve" -d 'Reopen an issue'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -f -a "assign" -d 'Assign an issue to a dashboard user (by name), or unassign it with --none'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -f -a "note" -d 'Add a note to an issue (1 to 10,000 characters; shown in its history)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and not __fish_seen_subcommand_from errors error stats releases resolve ignore mute unresolve assign note help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l status -d 'unresolved | resolved | ignored | muted | all' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l release -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l env -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l source -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l route -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l since -d 'Seen since: a duration back from now (24h, 7d) or epoch ms' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l until -d 'First seen before: a duration back from now or epoch ms' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l q -l search -d 'Search: free text plus is:, release:, env:, source:, route:, type:, assigned:none|<user> and !key:value' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l sort -d 'last_seen | first_seen | total_count' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l limit -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l offset -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from errors" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from error" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from error" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from error" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from error" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from error" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from error" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from error" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from error" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from error" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from error" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from stats" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from stats" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from stats" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from stats" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from stats" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from stats" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from stats" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from stats" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from releases" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from releases" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from releases" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from releases" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from releases" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from releases" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from releases" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from releases" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from releases" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from releases" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from resolve" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from resolve" -l release -d 'With resolve: the release that fixes it' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from resolve" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from resolve" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from resolve" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from resolve" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from resolve" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from resolve" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from resolve" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from resolve" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from resolve" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from ignore" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from ignore" -l release -d 'With resolve: the release that fixes it' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from ignore" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from ignore" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from ignore" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from ignore" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from ignore" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from ignore" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from ignore" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from ignore" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from ignore" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from mute" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from mute" -l release -d 'With resolve: the release that fixes it' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from mute" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from mute" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from mute" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from mute" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from mute" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from mute" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from mute" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from mute" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from mute" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from unresolve" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from unresolve" -l release -d 'With resolve: the release that fixes it' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from unresolve" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from unresolve" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from unresolve" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from unresolve" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from unresolve" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from unresolve" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from unresolve" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from unresolve" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from unresolve" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from assign" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from assign" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from assign" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from assign" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from assign" -l none -d 'Unassign the issue'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from assign" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from assign" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from assign" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from assign" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from assign" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from assign" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from note" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from note" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from note" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from note" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from note" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from note" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from note" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from note" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from note" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from note" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "errors" -d 'List issues, most recently seen first'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "error" -d 'One issue: stack, breakdowns, samples and the last 24 hours'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Totals, unresolved issues, events in the last 24 h and top routes'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "releases" -d 'Releases with their issue and event counts'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "resolve" -d 'Mark an issue resolved (optionally in a release: older releases do not reopen it)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "ignore" -d 'Ignore an issue (new events do not reopen it or alert)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "mute" -d 'Mute an issue (counted, never alerted)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "unresolve" -d 'Reopen an issue'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "assign" -d 'Assign an issue to a dashboard user (by name), or unassign it with --none'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "note" -d 'Add a note to an issue (1 to 10,000 characters; shown in its history)'
complete -c bloop -n "__fish_bloop_using_subcommand query; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -f -a "list" -d 'List projects with their issue, event and key counts'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -f -a "create" -d 'Create a project and its first ingest key'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -f -a "show" -d 'Show one project'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -f -a "rename" -d 'Change a project\'s display name'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -f -a "delete" -d 'Delete a project and all its issues, events and keys (one transaction)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and not __fish_seen_subcommand_from list create show rename delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from list" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from list" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from list" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from create" -l slug -d 'URL-safe id (default: derived from the name)' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from create" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from create" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from create" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from create" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from create" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from show" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from show" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from show" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from show" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from show" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from rename" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from rename" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from rename" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from rename" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from rename" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from rename" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from rename" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from rename" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from delete" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from delete" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from delete" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from delete" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from delete" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from help" -f -a "list" -d 'List projects with their issue, event and key counts'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a project and its first ingest key'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one project'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Change a project\'s display name'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a project and all its issues, events and keys (one transaction)'
complete -c bloop -n "__fish_bloop_using_subcommand projects; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -f -a "list" -d 'List ingest keys (masked)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -f -a "create" -d 'Create a key for a project (printed in full); with --dsn, a public DSN key for Sentry SDKs (prints the DSN)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -f -a "rotate" -d 'Replace a key: a new key now, the old one revoked after the grace period'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -f -a "revoke" -d 'Revoke a key now'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and not __fish_seen_subcommand_from list create rotate revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from list" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from list" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from list" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from list" -l reveal -d 'Show the full keys'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from list" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -l name -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -l dsn -d 'A DSN key for unmodified Sentry SDKs (public: it can only send errors) instead of an ingest key'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l grace -d 'How long the old key keeps working (e.g. 1h, 30m; default: stops now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "list" -d 'List ingest keys (masked)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a key for a project (printed in full); with --dsn, a public DSN key for Sentry SDKs (prints the DSN)'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Replace a key: a new key now, the old one revoked after the grace period'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a key now'
complete -c bloop -n "__fish_bloop_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -f -a "list" -d 'List tokens (never their secrets)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -f -a "create" -d 'Create a token; it is printed once and stored only as a hash'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -f -a "revoke" -d 'Revoke a token now'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and not __fish_seen_subcommand_from list create revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from list" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from list" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from list" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -l name -d 'What the token is for' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -l scopes -d 'Comma-separated: errors:read, errors:write, projects:read, projects:write, keys:write, alerts:read, alerts:write, admin' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -l project -d 'Limit the token to one project' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -l expires -d 'Lifetime, e.g. 90d (default: no expiry)' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "list" -d 'List tokens (never their secrets)'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a token; it is printed once and stored only as a hash'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a token now'
complete -c bloop -n "__fish_bloop_using_subcommand tokens; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -f -a "upload" -d 'Upload bundles (.js, .mjs, .cjs) with their .map files, or directories of them'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -f -a "list" -d 'List a project\'s source maps'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -f -a "delete" -d 'Delete one source map by id, or every map of a release'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and not __fish_seen_subcommand_from upload list delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -l release -d 'The release the bundles were built for (as the SDK\'s `release`); omit for bundles with debug IDs' -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -l url-prefix -d 'Prefix of the names, as stack frames show the files: `~` matches any host (`~/static/js` for https://example.com/static/js/app.js)' -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from upload" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from list" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from list" -l release -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from list" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from list" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from list" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from delete" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from delete" -l release -d 'Every map of this release ("" for those uploaded without one)' -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from delete" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from delete" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from delete" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from delete" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from delete" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from help" -f -a "upload" -d 'Upload bundles (.js, .mjs, .cjs) with their .map files, or directories of them'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from help" -f -a "list" -d 'List a project\'s source maps'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete one source map by id, or every map of a release'
complete -c bloop -n "__fish_bloop_using_subcommand sourcemaps; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -f -a "list" -d 'List users with their role, passkeys and last sign-in'
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -f -a "invite" -d 'Create a single-use registration link'
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -f -a "role" -d 'Change a user\'s role (the last admin cannot be demoted)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -f -a "remove" -d 'Remove a user with their passkeys and sessions'
complete -c bloop -n "__fish_bloop_using_subcommand users; and not __fish_seen_subcommand_from list invite role remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from list" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from list" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from list" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -l role -d 'Role of the new user: admin, member (triage) or viewer (read only)' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -l expires-hours -d 'Hours until the link expires (at most 720)' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -l admin -d 'Shorthand for `--role admin` (also how to make the first admin)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from invite" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from role" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from role" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from role" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from role" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from role" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from role" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from role" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from role" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from role" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from remove" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from remove" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from remove" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from remove" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from remove" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "list" -d 'List users with their role, passkeys and last sign-in'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "invite" -d 'Create a single-use registration link'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "role" -d 'Change a user\'s role (the last admin cannot be demoted)'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a user with their passkeys and sessions'
complete -c bloop -n "__fish_bloop_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand prune" -l days -d 'Keep this many days for every project (default: each project\'s retention)' -r
complete -c bloop -n "__fish_bloop_using_subcommand prune" -l project -d 'Only this project' -r
complete -c bloop -n "__fish_bloop_using_subcommand prune" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand prune" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand prune" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand prune" -l dry-run -d 'Count what would be removed; remove nothing'
complete -c bloop -n "__fish_bloop_using_subcommand prune" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand prune" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand prune" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand prune" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand prune" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand prune" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "overview" -d 'Traces, spans, tokens, cost, unpriced calls, errors, latency and TTFT (default: last 24h)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "usage" -d 'Usage and cost over time by model, provider, project, prompt or day (default: last 7d)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "models" -d 'Models used, with tokens, cost, and the price that applies and its source (default: 30d)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "latency" -d 'Latency and time-to-first-token percentiles per model (default: last 24h)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "tools" -d 'Tool and retrieval spans: calls, errors, latency percentiles (default: last 24h)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "prompts" -d 'Prompt versions with their averages (default: last 30d)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "compare" -d 'Two versions of a prompt compared, with significance tests (default: last 30d)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "budget" -d 'Monthly budgets: spend this month, month-end forecast; `budget set AMOUNT` sets one'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "traces" -d 'List traces started in the last 30 days, newest first (filters narrow; --sort changes the order)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "trace" -d 'One trace: its header, then the span tree with durations, tokens, cost and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "search" -d 'Full-text search over trace and span names, error messages and stored content (traces started in the last 30 days)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "sessions" -d 'Sessions active in the last 7 days, latest activity first: all their traces, tokens, cost and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "session" -d 'One session: its totals and its traces in order'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "score" -d 'Score a trace: a name and a value from 0 to 1'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "feedback" -d 'Record user feedback on a trace: up or down'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "export" -d 'Export the traces of the last 24 hours as LangSmith runs or OTLP/JSON (to stdout, or --output FILE)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "settings" -d 'Content policy (none | metadata_only | full) and budget per project; `settings set` changes the policy'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "prices" -d 'Price overrides, or what MODEL costs and which rule matched; `prices set` / `prices unset`'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and not __fish_seen_subcommand_from overview usage models latency tools prompts compare budget traces trace search sessions session score feedback export settings prices help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -l since -d 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command\'s description)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -l until -d 'To: a duration back from now or epoch ms (default now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from overview" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -l since -d 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command\'s description)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -l until -d 'To: a duration back from now or epoch ms (default now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -l by -d 'model | provider | project | prompt | day (one row per UTC day)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from usage" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -l since -d 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command\'s description)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -l until -d 'To: a duration back from now or epoch ms (default now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from models" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -l since -d 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command\'s description)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -l until -d 'To: a duration back from now or epoch ms (default now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -l model -d 'One model only' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from latency" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -l since -d 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command\'s description)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -l until -d 'To: a duration back from now or epoch ms (default now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -l type -d 'tool | retrieval | all (default: tool and retrieval)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -l limit -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from tools" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -l since -d 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command\'s description)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -l until -d 'To: a duration back from now or epoch ms (default now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -l name -d 'One prompt only' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prompts" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -l since -d 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command\'s description)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -l until -d 'To: a duration back from now or epoch ms (default now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from compare" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -f -a "set" -d 'Set a project\'s monthly budget in USD (`none` clears it)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from budget" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l since -d 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command\'s description)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l until -d 'To: a duration back from now or epoch ms (default now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l session -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l user -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l status -d 'completed | error | running | …' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l model -d 'Traces with a span that used this model (exact name)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l prompt -d 'Prompt name' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l prompt-version -d 'Prompt version (with --prompt)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l min-cost -d 'At least this cost, in USD' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l min-latency -d 'At least this latency, in ms' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l q -d 'Full-text search, as `bloop llm search`' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l sort -d 'newest | oldest | cost | latency' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l limit -d 'Rows, 1..200' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l offset -d 'Rows to skip (the next page starts where the footer says)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l errors -d 'Only traces with an error (an error span or the status error)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l json -d 'Print the JSON the API answers'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from traces" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from trace" -l project -d 'The project, when the id exists in several' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from trace" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from trace" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from trace" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from trace" -l json -d 'Print the JSON the API answers'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from trace" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from trace" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from trace" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from trace" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from trace" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -l since -d 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command\'s description)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -l until -d 'To: a duration back from now or epoch ms (default now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -l limit -d 'Rows, 1..200' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -l offset -d 'Rows to skip (the next page starts where the footer says)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -l json -d 'Print the JSON the API answers'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from search" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -l since -d 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command\'s description)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -l until -d 'To: a duration back from now or epoch ms (default now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -l user -d 'Only the sessions this user took part in' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -l limit -d 'Rows, 1..200' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -l offset -d 'Rows to skip (the next page starts where the footer says)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -l json -d 'Print the JSON the API answers'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from sessions" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from session" -l project -d 'The project, when the id exists in several' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from session" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from session" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from session" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from session" -l json -d 'Print the JSON the API answers'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from session" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from session" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from session" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from session" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from session" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from score" -l project -d 'The project, when the id exists in several' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from score" -l comment -d 'At most 2,000 characters' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from score" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from score" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from score" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from score" -l json -d 'Print the JSON the API answers'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from score" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from score" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from score" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from score" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from score" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -l project -d 'The project, when the id exists in several' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -l comment -d 'At most 2,000 characters' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -l user -d 'Who gave it' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -l json -d 'Print the JSON the API answers'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from feedback" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -l project -d 'Project slug (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -l since -d 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command\'s description)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -l until -d 'To: a duration back from now or epoch ms (default now)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -l format -d 'langsmith | otlp' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -l session -d 'Only this session\'s traces' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -l limit -d 'Traces, 1..1000 (the newest)' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -s o -l output -d 'Write the document here instead of stdout' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -f -a "set" -d 'Set a project\'s content policy (applies to traces written from now on) and whether its failed LLM calls are also filed as error issues'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from settings" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -l provider -d 'The provider, to pick among same-named models' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -l project -d 'Consider this project\'s overrides' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -a "set" -d 'Set a price override in USD per million tokens (global without --project)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -a "unset" -d 'Remove a price override (global without --project)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from prices" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "overview" -d 'Traces, spans, tokens, cost, unpriced calls, errors, latency and TTFT (default: last 24h)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "usage" -d 'Usage and cost over time by model, provider, project, prompt or day (default: last 7d)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "models" -d 'Models used, with tokens, cost, and the price that applies and its source (default: 30d)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "latency" -d 'Latency and time-to-first-token percentiles per model (default: last 24h)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "tools" -d 'Tool and retrieval spans: calls, errors, latency percentiles (default: last 24h)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "prompts" -d 'Prompt versions with their averages (default: last 30d)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "compare" -d 'Two versions of a prompt compared, with significance tests (default: last 30d)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "budget" -d 'Monthly budgets: spend this month, month-end forecast; `budget set AMOUNT` sets one'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "traces" -d 'List traces started in the last 30 days, newest first (filters narrow; --sort changes the order)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "trace" -d 'One trace: its header, then the span tree with durations, tokens, cost and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "search" -d 'Full-text search over trace and span names, error messages and stored content (traces started in the last 30 days)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "sessions" -d 'Sessions active in the last 7 days, latest activity first: all their traces, tokens, cost and errors'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "session" -d 'One session: its totals and its traces in order'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "score" -d 'Score a trace: a name and a value from 0 to 1'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "feedback" -d 'Record user feedback on a trace: up or down'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export the traces of the last 24 hours as LangSmith runs or OTLP/JSON (to stdout, or --output FILE)'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "settings" -d 'Content policy (none | metadata_only | full) and budget per project; `settings set` changes the policy'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "prices" -d 'Price overrides, or what MODEL costs and which rule matched; `prices set` / `prices unset`'
complete -c bloop -n "__fish_bloop_using_subcommand llm; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -f -a "spikes" -d 'Issues spiking now: this hour and the last against the hours before (z-score)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -f -a "movers" -d 'Issues that changed most against the window before (new ones flagged)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -f -a "correlations" -d 'Issues that move together (hourly counts correlated, r ≥ 0.7): pairs and clusters'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -f -a "releases" -d 'Releases, newest version first: what each brought and how it compares'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -f -a "environments" -d 'Environments: events, share, issues, percentiles of hourly counts'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -f -a "compare" -d 'Times every insight on DuckDB and on the same rows in SQLite, over the local database (as of its newest hour), and checks both give the same answers'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and not __fish_seen_subcommand_from spikes movers correlations releases environments compare help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -l hours -d 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -l env -d 'Only this environment' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -l limit -d 'Rows at most, 1..100' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from spikes" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -l hours -d 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -l env -d 'Only this environment' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -l limit -d 'Rows at most, 1..100' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from movers" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -l hours -d 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -l env -d 'Only this environment' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -l limit -d 'Rows at most, 1..100' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -l fingerprint -d 'Only pairs with this issue (its fingerprint)' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from correlations" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -l hours -d 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -l env -d 'Only this environment' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -l limit -d 'Rows at most, 1..100' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from releases" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -l hours -d 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -l env -d 'Only this environment' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -l limit -d 'Rows at most, 1..100' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from environments" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from compare" -l runs -d 'Runs per insight and engine (the median is shown)' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from compare" -l project -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from compare" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from compare" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from compare" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from compare" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from compare" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from compare" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from compare" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from compare" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from compare" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from help" -f -a "spikes" -d 'Issues spiking now: this hour and the last against the hours before (z-score)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from help" -f -a "movers" -d 'Issues that changed most against the window before (new ones flagged)'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from help" -f -a "correlations" -d 'Issues that move together (hourly counts correlated, r ≥ 0.7): pairs and clusters'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from help" -f -a "releases" -d 'Releases, newest version first: what each brought and how it compares'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from help" -f -a "environments" -d 'Environments: events, share, issues, percentiles of hourly counts'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from help" -f -a "compare" -d 'Times every insight on DuckDB and on the same rows in SQLite, over the local database (as of its newest hour), and checks both give the same answers'
complete -c bloop -n "__fish_bloop_using_subcommand analytics; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -f -a "list" -d 'List alert rules'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -f -a "create" -d 'Create a rule: --type new_issue|regression|threshold|spike, or over LLM calls llm_cost_spike|llm_cost_threshold|llm_error_rate|llm_latency|llm_budget, with channels'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -f -a "edit" -d 'Change a rule: only the options given change (config options merge into the rule\'s config unless --type names another type; channel options replace every channel)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -f -a "enable" -d 'Turn a rule on'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -f -a "disable" -d 'Turn a rule off'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -f -a "delete" -d 'Delete a rule'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -f -a "test" -d 'Send a test alert through the rule\'s channels and report each outcome'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and not __fish_seen_subcommand_from list create edit enable disable delete test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from list" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from list" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from list" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l name -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l type -d 'new_issue | regression | threshold | spike | llm_cost_spike | llm_cost_threshold | llm_error_rate | llm_latency | llm_budget' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l project -d 'Only this project (default: every project)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l threshold -d 'threshold: events needed in the window' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l window -d 'threshold/spike: window length, e.g. 5m, 1h' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l per -d 'threshold: count per issue, route or project' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l multiplier -d 'spike: how many times the baseline rate' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l baseline-hours -d 'spike: hours of baseline' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l amount -d 'llm_cost_threshold: USD spent in the window' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l percent -d 'llm_error_rate: % of failed calls; llm_budget: % of the monthly budget (default 80)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l min-calls -d 'llm_error_rate, llm_latency: calls needed in the window (default 20)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l model -d 'llm_cost_threshold, llm_error_rate, llm_latency: only this model' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l threshold-ms -d 'llm_latency: milliseconds the percentile must reach' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l percentile -d 'llm_latency: p50 | p95 | p99 (default p95)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l metric -d 'llm_latency: latency | ttft (time to first token)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l env -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l source -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l release -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l slack -d 'Slack incoming-webhook URL (repeatable)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l webhook -d 'Webhook URL (repeatable); signed with --webhook-secret or auth.hmac_secret' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l webhook-secret -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l email -d 'Email recipient (repeatable; needs [smtp])' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l no-forecast -d 'llm_budget: do not also alert when the month-end forecast is over the budget'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l disabled -d 'Create it disabled'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l name -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l type -d 'A new type: the config options given then make the whole new config' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l project -d 'Only this project; `all` for every project' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l threshold -d 'threshold: events needed in the window' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l window -d 'Window length, e.g. 5m, 1h' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l per -d 'threshold: count per issue, route or project' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l multiplier -d 'spike, llm_cost_spike: how many times the baseline rate' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l baseline-hours -d 'spike, llm_cost_spike: hours of baseline' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l amount -d 'llm_cost_threshold: USD spent in the window' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l percent -d 'llm_error_rate: % of failed calls; llm_budget: % of the monthly budget' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l min-calls -d 'llm_error_rate, llm_latency: calls needed in the window' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l model -d 'llm_cost_threshold, llm_error_rate, llm_latency: only this model (`any`: every model)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l threshold-ms -d 'llm_latency: milliseconds the percentile must reach' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l percentile -d 'llm_latency: p50 | p95 | p99' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l metric -d 'llm_latency: latency | ttft (time to first token)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l forecast -d 'llm_budget: also alert when the month-end forecast is over the budget (true | false)' -r -f -a "true\t''
false\t''"
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l env -d 'Only events of this environment ("" for any)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l source -d 'Only events from this source ("" for any)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l release -d 'Only events of this release ("" for any)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l slack -d 'Slack incoming-webhook URL (repeatable; replaces the channels)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l webhook -d 'Webhook URL (repeatable; replaces the channels)' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l webhook-secret -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l email -d 'Email recipient (repeatable; replaces the channels; needs [smtp])' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l server-defaults -d 'Remove the rule\'s channels: it then sends to the server\'s defaults (BLOOP_SLACK_WEBHOOK_URL, BLOOP_WEBHOOK_URL)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from enable" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from enable" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from enable" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from enable" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from enable" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from disable" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from disable" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from disable" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from disable" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from disable" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from delete" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from delete" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from delete" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from delete" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from delete" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from test" -l url -d 'Server URL; with it, the command calls the server\'s API instead of opening the database' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from test" -l token -d 'API token (`bloop_tk_…`) for --url' -r
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from test" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from test" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from test" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from test" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "list" -d 'List alert rules'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a rule: --type new_issue|regression|threshold|spike, or over LLM calls llm_cost_spike|llm_cost_threshold|llm_error_rate|llm_latency|llm_budget, with channels'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change a rule: only the options given change (config options merge into the rule\'s config unless --type names another type; channel options replace every channel)'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Turn a rule on'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Turn a rule off'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a rule'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a test alert through the rule\'s channels and report each outcome'
complete -c bloop -n "__fish_bloop_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand health" -l url -d 'Server to check (default: this machine\'s configured port)' -r
complete -c bloop -n "__fish_bloop_using_subcommand health" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand health" -l json -d 'Print the health document as JSON'
complete -c bloop -n "__fish_bloop_using_subcommand health" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand health" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand health" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand health" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand health" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand doctor" -l url -d 'Server to probe (default: the configured local address, where not running is a warning)' -r
complete -c bloop -n "__fish_bloop_using_subcommand doctor" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand doctor" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand doctor" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand doctor" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand doctor" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand backup" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand backup" -l force -d 'Replace FILE if it exists'
complete -c bloop -n "__fish_bloop_using_subcommand backup" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand backup" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand backup" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand backup" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand backup" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand backup" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand migrate-to-postgres" -l from -d 'The SQLite database to move (default: database.path)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand migrate-to-postgres" -l to -d 'The PostgreSQL database to move it into (default: database.url)' -r
complete -c bloop -n "__fish_bloop_using_subcommand migrate-to-postgres" -l chunk -d 'Raw events per transaction (tests use small ones to see a move continue)' -r
complete -c bloop -n "__fish_bloop_using_subcommand migrate-to-postgres" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand migrate-to-postgres" -l json -d 'Print JSON (for scripts) instead of text'
complete -c bloop -n "__fish_bloop_using_subcommand migrate-to-postgres" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand migrate-to-postgres" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand migrate-to-postgres" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand migrate-to-postgres" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand migrate-to-postgres" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand completions" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand completions" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand completions" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand completions" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand completions" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand completions" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand man" -l config -d 'Configuration file (default: ./config.toml when present, else built-in defaults)' -r -F
complete -c bloop -n "__fish_bloop_using_subcommand man" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c bloop -n "__fish_bloop_using_subcommand man" -s q -l quiet -d 'Only warnings and errors'
complete -c bloop -n "__fish_bloop_using_subcommand man" -l wide -d 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
complete -c bloop -n "__fish_bloop_using_subcommand man" -s h -l help -d 'Print help'
complete -c bloop -n "__fish_bloop_using_subcommand man" -s V -l version -d 'Print version'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "serve" -d 'Run the ingest server, the query API and the dashboard'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "sign" -d 'Print the hex HMAC-SHA256 signature of the exact bytes of a file or stdin'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "fingerprint" -d 'Print the issue key (fingerprint) of the events in a file, offline; --explain says why'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "send" -d 'Send a test error, or events from flags or a file, to a bloop server'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "query" -d 'Query issues: list, detail, stats, releases; change their status'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "projects" -d 'Manage projects'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "keys" -d 'Manage project ingest keys'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "tokens" -d 'Manage API bearer tokens'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "sourcemaps" -d 'JavaScript source maps: upload a release\'s bundles and maps, list, delete'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "users" -d 'Manage dashboard users and invite links'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "prune" -d 'Remove raw events older than their retention (cron-safe)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "llm" -d 'LLM traces: usage and cost, models, prompts, budgets, traces, sessions, prices, settings'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "analytics" -d 'Insights: spikes, movers, correlated issues, releases, environments (`--features analytics`)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "alerts" -d 'Manage alert rules (new issue, regression, threshold, spike → Slack, webhook, email)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "health" -d 'Check a server\'s /health; exit 0 when healthy, 1 otherwise'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "doctor" -d 'Check configuration, database, server and clock; exit 1 if anything is wrong'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "backup" -d 'Write a consistent copy of the database (safe while serve runs)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "migrate-to-postgres" -d 'Move a SQLite database into an empty PostgreSQL one (resumable; verified by counts)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, powershell, elvish)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "man" -d 'Write man pages (bloop.1 and one per subcommand) into a directory'
complete -c bloop -n "__fish_bloop_using_subcommand help; and not __fish_seen_subcommand_from serve sign fingerprint send query projects keys tokens sourcemaps users prune llm analytics alerts health doctor backup migrate-to-postgres completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from query" -f -a "errors" -d 'List issues, most recently seen first'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from query" -f -a "error" -d 'One issue: stack, breakdowns, samples and the last 24 hours'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from query" -f -a "stats" -d 'Totals, unresolved issues, events in the last 24 h and top routes'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from query" -f -a "releases" -d 'Releases with their issue and event counts'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from query" -f -a "resolve" -d 'Mark an issue resolved (optionally in a release: older releases do not reopen it)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from query" -f -a "ignore" -d 'Ignore an issue (new events do not reopen it or alert)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from query" -f -a "mute" -d 'Mute an issue (counted, never alerted)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from query" -f -a "unresolve" -d 'Reopen an issue'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from query" -f -a "assign" -d 'Assign an issue to a dashboard user (by name), or unassign it with --none'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from query" -f -a "note" -d 'Add a note to an issue (1 to 10,000 characters; shown in its history)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from projects" -f -a "list" -d 'List projects with their issue, event and key counts'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from projects" -f -a "create" -d 'Create a project and its first ingest key'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from projects" -f -a "show" -d 'Show one project'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from projects" -f -a "rename" -d 'Change a project\'s display name'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from projects" -f -a "delete" -d 'Delete a project and all its issues, events and keys (one transaction)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "list" -d 'List ingest keys (masked)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "create" -d 'Create a key for a project (printed in full); with --dsn, a public DSN key for Sentry SDKs (prints the DSN)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "rotate" -d 'Replace a key: a new key now, the old one revoked after the grace period'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "revoke" -d 'Revoke a key now'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "list" -d 'List tokens (never their secrets)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "create" -d 'Create a token; it is printed once and stored only as a hash'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from tokens" -f -a "revoke" -d 'Revoke a token now'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from sourcemaps" -f -a "upload" -d 'Upload bundles (.js, .mjs, .cjs) with their .map files, or directories of them'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from sourcemaps" -f -a "list" -d 'List a project\'s source maps'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from sourcemaps" -f -a "delete" -d 'Delete one source map by id, or every map of a release'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "list" -d 'List users with their role, passkeys and last sign-in'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "invite" -d 'Create a single-use registration link'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "role" -d 'Change a user\'s role (the last admin cannot be demoted)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "remove" -d 'Remove a user with their passkeys and sessions'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "overview" -d 'Traces, spans, tokens, cost, unpriced calls, errors, latency and TTFT (default: last 24h)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "usage" -d 'Usage and cost over time by model, provider, project, prompt or day (default: last 7d)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "models" -d 'Models used, with tokens, cost, and the price that applies and its source (default: 30d)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "latency" -d 'Latency and time-to-first-token percentiles per model (default: last 24h)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "tools" -d 'Tool and retrieval spans: calls, errors, latency percentiles (default: last 24h)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "prompts" -d 'Prompt versions with their averages (default: last 30d)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "compare" -d 'Two versions of a prompt compared, with significance tests (default: last 30d)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "budget" -d 'Monthly budgets: spend this month, month-end forecast; `budget set AMOUNT` sets one'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "traces" -d 'List traces started in the last 30 days, newest first (filters narrow; --sort changes the order)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "trace" -d 'One trace: its header, then the span tree with durations, tokens, cost and errors'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "search" -d 'Full-text search over trace and span names, error messages and stored content (traces started in the last 30 days)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "sessions" -d 'Sessions active in the last 7 days, latest activity first: all their traces, tokens, cost and errors'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "session" -d 'One session: its totals and its traces in order'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "score" -d 'Score a trace: a name and a value from 0 to 1'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "feedback" -d 'Record user feedback on a trace: up or down'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "export" -d 'Export the traces of the last 24 hours as LangSmith runs or OTLP/JSON (to stdout, or --output FILE)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "settings" -d 'Content policy (none | metadata_only | full) and budget per project; `settings set` changes the policy'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from llm" -f -a "prices" -d 'Price overrides, or what MODEL costs and which rule matched; `prices set` / `prices unset`'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from analytics" -f -a "spikes" -d 'Issues spiking now: this hour and the last against the hours before (z-score)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from analytics" -f -a "movers" -d 'Issues that changed most against the window before (new ones flagged)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from analytics" -f -a "correlations" -d 'Issues that move together (hourly counts correlated, r ≥ 0.7): pairs and clusters'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from analytics" -f -a "releases" -d 'Releases, newest version first: what each brought and how it compares'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from analytics" -f -a "environments" -d 'Environments: events, share, issues, percentiles of hourly counts'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from analytics" -f -a "compare" -d 'Times every insight on DuckDB and on the same rows in SQLite, over the local database (as of its newest hour), and checks both give the same answers'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "list" -d 'List alert rules'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "create" -d 'Create a rule: --type new_issue|regression|threshold|spike, or over LLM calls llm_cost_spike|llm_cost_threshold|llm_error_rate|llm_latency|llm_budget, with channels'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "edit" -d 'Change a rule: only the options given change (config options merge into the rule\'s config unless --type names another type; channel options replace every channel)'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "enable" -d 'Turn a rule on'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "disable" -d 'Turn a rule off'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "delete" -d 'Delete a rule'
complete -c bloop -n "__fish_bloop_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "test" -d 'Send a test alert through the rule\'s channels and report each outcome'
