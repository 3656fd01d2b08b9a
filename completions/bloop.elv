
use builtin;
use str;

set edit:completion:arg-completer[bloop] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'bloop'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'bloop'= {
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Run the ingest server, the query API and the dashboard'
            cand sign 'Print the hex HMAC-SHA256 signature of the exact bytes of a file or stdin'
            cand fingerprint 'Print the issue key (fingerprint) of the events in a file, offline; --explain says why'
            cand send 'Send a test error, or events from flags or a file, to a bloop server'
            cand query 'Query issues: list, detail, stats, releases; change their status'
            cand projects 'Manage projects'
            cand keys 'Manage project ingest keys'
            cand tokens 'Manage API bearer tokens'
            cand sourcemaps 'JavaScript source maps: upload a release''s bundles and maps, list, delete'
            cand users 'Manage dashboard users and invite links'
            cand prune 'Remove raw events older than their retention (cron-safe)'
            cand llm 'LLM traces: usage and cost, models, prompts, budgets, traces, sessions, prices, settings'
            cand analytics 'Insights: spikes, movers, correlated issues, releases, environments (`--features analytics`)'
            cand alerts 'Manage alert rules (new issue, regression, threshold, spike → Slack, webhook, email)'
            cand health 'Check a server''s /health; exit 0 when healthy, 1 otherwise'
            cand doctor 'Check configuration, database, server and clock; exit 1 if anything is wrong'
            cand backup 'Write a consistent copy of the database (safe while serve runs)'
            cand migrate-to-postgres 'Move a SQLite database into an empty PostgreSQL one (resumable; verified by counts)'
            cand completions 'Print shell completions (bash, zsh, fish, powershell, elvish)'
            cand man 'Write man pages (bloop.1 and one per subcommand) into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;serve'= {
            cand -p 'Listen on this port instead of `server.port`'
            cand --port 'Listen on this port instead of `server.port`'
            cand --host 'Listen on this address instead of `server.host`'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;sign'= {
            cand --key 'Signing key: a project key (`bloop_…`) or the legacy secret (default: auth.hmac_secret)'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;fingerprint'= {
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --explain 'Explain the key: the normalised message, the grouping frame and the lines skipped before it (and why), or the client''s own key'
            cand --json 'Print as JSON (with `--explain`, every input of the key)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;send'= {
            cand --url 'Server to send to (default: this machine''s configured port)'
            cand --key 'Project ingest key (`bloop_…`): sent as X-Project-Key and used to sign'
            cand --secret 'Legacy global secret to sign with (default: auth.hmac_secret) → `default` project'
            cand -m 'Error message'
            cand --message 'Error message'
            cand -t 'Error type, e.g. TypeError'
            cand --type 'Error type, e.g. TypeError'
            cand --source 'Source: ios, android, api, python, web…'
            cand --env 'Environment (default production)'
            cand --release 'Release, e.g. 1.4.0'
            cand --route 'Route or procedure, e.g. "POST /api/users"'
            cand --stack 'File holding the stack trace'
            cand --metadata 'Metadata as a JSON object'
            cand -f 'Events to send: one event, a {"events": [...]} batch, or JSON lines (`-` = stdin)'
            cand --file 'Events to send: one event, a {"events": [...]} batch, or JSON lines (`-` = stdin)'
            cand -n 'Send the event(s) this many times'
            cand --count 'Send the event(s) this many times'
            cand --batch-size 'Events per batch request'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --trace 'Send a test LLM trace instead of an error: a generation span with a tool call under it'
            cand --json 'Print the server''s answer as JSON'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;query'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand errors 'List issues, most recently seen first'
            cand error 'One issue: stack, breakdowns, samples and the last 24 hours'
            cand stats 'Totals, unresolved issues, events in the last 24 h and top routes'
            cand releases 'Releases with their issue and event counts'
            cand resolve 'Mark an issue resolved (optionally in a release: older releases do not reopen it)'
            cand ignore 'Ignore an issue (new events do not reopen it or alert)'
            cand mute 'Mute an issue (counted, never alerted)'
            cand unresolve 'Reopen an issue'
            cand assign 'Assign an issue to a dashboard user (by name), or unassign it with --none'
            cand note 'Add a note to an issue (1 to 10,000 characters; shown in its history)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;query;errors'= {
            cand --project 'project'
            cand --status 'unresolved | resolved | ignored | muted | all'
            cand --release 'release'
            cand --env 'env'
            cand --source 'source'
            cand --route 'route'
            cand --since 'Seen since: a duration back from now (24h, 7d) or epoch ms'
            cand --until 'First seen before: a duration back from now or epoch ms'
            cand --q 'Search: free text plus is:, release:, env:, source:, route:, type:, assigned:none|<user> and !key:value'
            cand --search 'Search: free text plus is:, release:, env:, source:, route:, type:, assigned:none|<user> and !key:value'
            cand --sort 'last_seen | first_seen | total_count'
            cand --limit 'limit'
            cand --offset 'offset'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;query;error'= {
            cand --project 'project'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;query;stats'= {
            cand --project 'project'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;query;releases'= {
            cand --project 'project'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;query;resolve'= {
            cand --project 'project'
            cand --release 'With resolve: the release that fixes it'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;query;ignore'= {
            cand --project 'project'
            cand --release 'With resolve: the release that fixes it'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;query;mute'= {
            cand --project 'project'
            cand --release 'With resolve: the release that fixes it'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;query;unresolve'= {
            cand --project 'project'
            cand --release 'With resolve: the release that fixes it'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;query;assign'= {
            cand --project 'project'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --none 'Unassign the issue'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;query;note'= {
            cand --project 'project'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;query;help'= {
            cand errors 'List issues, most recently seen first'
            cand error 'One issue: stack, breakdowns, samples and the last 24 hours'
            cand stats 'Totals, unresolved issues, events in the last 24 h and top routes'
            cand releases 'Releases with their issue and event counts'
            cand resolve 'Mark an issue resolved (optionally in a release: older releases do not reopen it)'
            cand ignore 'Ignore an issue (new events do not reopen it or alert)'
            cand mute 'Mute an issue (counted, never alerted)'
            cand unresolve 'Reopen an issue'
            cand assign 'Assign an issue to a dashboard user (by name), or unassign it with --none'
            cand note 'Add a note to an issue (1 to 10,000 characters; shown in its history)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;query;help;errors'= {
        }
        &'bloop;query;help;error'= {
        }
        &'bloop;query;help;stats'= {
        }
        &'bloop;query;help;releases'= {
        }
        &'bloop;query;help;resolve'= {
        }
        &'bloop;query;help;ignore'= {
        }
        &'bloop;query;help;mute'= {
        }
        &'bloop;query;help;unresolve'= {
        }
        &'bloop;query;help;assign'= {
        }
        &'bloop;query;help;note'= {
        }
        &'bloop;query;help;help'= {
        }
        &'bloop;projects'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List projects with their issue, event and key counts'
            cand create 'Create a project and its first ingest key'
            cand show 'Show one project'
            cand rename 'Change a project''s display name'
            cand delete 'Delete a project and all its issues, events and keys (one transaction)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;projects;list'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;projects;create'= {
            cand --slug 'URL-safe id (default: derived from the name)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;projects;show'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;projects;rename'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;projects;delete'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;projects;help'= {
            cand list 'List projects with their issue, event and key counts'
            cand create 'Create a project and its first ingest key'
            cand show 'Show one project'
            cand rename 'Change a project''s display name'
            cand delete 'Delete a project and all its issues, events and keys (one transaction)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;projects;help;list'= {
        }
        &'bloop;projects;help;create'= {
        }
        &'bloop;projects;help;show'= {
        }
        &'bloop;projects;help;rename'= {
        }
        &'bloop;projects;help;delete'= {
        }
        &'bloop;projects;help;help'= {
        }
        &'bloop;keys'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List ingest keys (masked)'
            cand create 'Create a key for a project (printed in full); with --dsn, a public DSN key for Sentry SDKs (prints the DSN)'
            cand rotate 'Replace a key: a new key now, the old one revoked after the grace period'
            cand revoke 'Revoke a key now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;keys;list'= {
            cand --project 'project'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --reveal 'Show the full keys'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;keys;create'= {
            cand --project 'project'
            cand --name 'name'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --dsn 'A DSN key for unmodified Sentry SDKs (public: it can only send errors) instead of an ingest key'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;keys;rotate'= {
            cand --grace 'How long the old key keeps working (e.g. 1h, 30m; default: stops now)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;keys;revoke'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;keys;help'= {
            cand list 'List ingest keys (masked)'
            cand create 'Create a key for a project (printed in full); with --dsn, a public DSN key for Sentry SDKs (prints the DSN)'
            cand rotate 'Replace a key: a new key now, the old one revoked after the grace period'
            cand revoke 'Revoke a key now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;keys;help;list'= {
        }
        &'bloop;keys;help;create'= {
        }
        &'bloop;keys;help;rotate'= {
        }
        &'bloop;keys;help;revoke'= {
        }
        &'bloop;keys;help;help'= {
        }
        &'bloop;tokens'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List tokens (never their secrets)'
            cand create 'Create a token; it is printed once and stored only as a hash'
            cand revoke 'Revoke a token now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;tokens;list'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;tokens;create'= {
            cand --name 'What the token is for'
            cand --scopes 'Comma-separated: errors:read, errors:write, projects:read, projects:write, keys:write, alerts:read, alerts:write, admin'
            cand --project 'Limit the token to one project'
            cand --expires 'Lifetime, e.g. 90d (default: no expiry)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;tokens;revoke'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;tokens;help'= {
            cand list 'List tokens (never their secrets)'
            cand create 'Create a token; it is printed once and stored only as a hash'
            cand revoke 'Revoke a token now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;tokens;help;list'= {
        }
        &'bloop;tokens;help;create'= {
        }
        &'bloop;tokens;help;revoke'= {
        }
        &'bloop;tokens;help;help'= {
        }
        &'bloop;sourcemaps'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand upload 'Upload bundles (.js, .mjs, .cjs) with their .map files, or directories of them'
            cand list 'List a project''s source maps'
            cand delete 'Delete one source map by id, or every map of a release'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;sourcemaps;upload'= {
            cand --project 'project'
            cand --release 'The release the bundles were built for (as the SDK''s `release`); omit for bundles with debug IDs'
            cand --url-prefix 'Prefix of the names, as stack frames show the files: `~` matches any host (`~/static/js` for https://example.com/static/js/app.js)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;sourcemaps;list'= {
            cand --project 'project'
            cand --release 'release'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;sourcemaps;delete'= {
            cand --project 'project'
            cand --release 'Every map of this release ("" for those uploaded without one)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;sourcemaps;help'= {
            cand upload 'Upload bundles (.js, .mjs, .cjs) with their .map files, or directories of them'
            cand list 'List a project''s source maps'
            cand delete 'Delete one source map by id, or every map of a release'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;sourcemaps;help;upload'= {
        }
        &'bloop;sourcemaps;help;list'= {
        }
        &'bloop;sourcemaps;help;delete'= {
        }
        &'bloop;sourcemaps;help;help'= {
        }
        &'bloop;users'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List users with their role, passkeys and last sign-in'
            cand invite 'Create a single-use registration link'
            cand role 'Change a user''s role (the last admin cannot be demoted)'
            cand remove 'Remove a user with their passkeys and sessions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;users;list'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;users;invite'= {
            cand --role 'Role of the new user: admin, member (triage) or viewer (read only)'
            cand --expires-hours 'Hours until the link expires (at most 720)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --admin 'Shorthand for `--role admin` (also how to make the first admin)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;users;role'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;users;remove'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;users;help'= {
            cand list 'List users with their role, passkeys and last sign-in'
            cand invite 'Create a single-use registration link'
            cand role 'Change a user''s role (the last admin cannot be demoted)'
            cand remove 'Remove a user with their passkeys and sessions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;users;help;list'= {
        }
        &'bloop;users;help;invite'= {
        }
        &'bloop;users;help;role'= {
        }
        &'bloop;users;help;remove'= {
        }
        &'bloop;users;help;help'= {
        }
        &'bloop;prune'= {
            cand --days 'Keep this many days for every project (default: each project''s retention)'
            cand --project 'Only this project'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --dry-run 'Count what would be removed; remove nothing'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand overview 'Traces, spans, tokens, cost, unpriced calls, errors, latency and TTFT (default: last 24h)'
            cand usage 'Usage and cost over time by model, provider, project, prompt or day (default: last 7d)'
            cand models 'Models used, with tokens, cost, and the price that applies and its source (default: 30d)'
            cand latency 'Latency and time-to-first-token percentiles per model (default: last 24h)'
            cand tools 'Tool and retrieval spans: calls, errors, latency percentiles (default: last 24h)'
            cand prompts 'Prompt versions with their averages (default: last 30d)'
            cand compare 'Two versions of a prompt compared, with significance tests (default: last 30d)'
            cand budget 'Monthly budgets: spend this month, month-end forecast; `budget set AMOUNT` sets one'
            cand traces 'List traces started in the last 30 days, newest first (filters narrow; --sort changes the order)'
            cand trace 'One trace: its header, then the span tree with durations, tokens, cost and errors'
            cand search 'Full-text search over trace and span names, error messages and stored content (traces started in the last 30 days)'
            cand sessions 'Sessions active in the last 7 days, latest activity first: all their traces, tokens, cost and errors'
            cand session 'One session: its totals and its traces in order'
            cand score 'Score a trace: a name and a value from 0 to 1'
            cand feedback 'Record user feedback on a trace: up or down'
            cand export 'Export the traces of the last 24 hours as LangSmith runs or OTLP/JSON (to stdout, or --output FILE)'
            cand settings 'Content policy (none | metadata_only | full) and budget per project; `settings set` changes the policy'
            cand prices 'Price overrides, or what MODEL costs and which rule matched; `prices set` / `prices unset`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;llm;overview'= {
            cand --project 'Project slug (default: every project)'
            cand --since 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)'
            cand --until 'To: a duration back from now or epoch ms (default now)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;usage'= {
            cand --project 'Project slug (default: every project)'
            cand --since 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)'
            cand --until 'To: a duration back from now or epoch ms (default now)'
            cand --by 'model | provider | project | prompt | day (one row per UTC day)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;models'= {
            cand --project 'Project slug (default: every project)'
            cand --since 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)'
            cand --until 'To: a duration back from now or epoch ms (default now)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;latency'= {
            cand --project 'Project slug (default: every project)'
            cand --since 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)'
            cand --until 'To: a duration back from now or epoch ms (default now)'
            cand --model 'One model only'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;tools'= {
            cand --project 'Project slug (default: every project)'
            cand --since 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)'
            cand --until 'To: a duration back from now or epoch ms (default now)'
            cand --type 'tool | retrieval | all (default: tool and retrieval)'
            cand --limit 'limit'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;prompts'= {
            cand --project 'Project slug (default: every project)'
            cand --since 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)'
            cand --until 'To: a duration back from now or epoch ms (default now)'
            cand --name 'One prompt only'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;compare'= {
            cand --project 'Project slug (default: every project)'
            cand --since 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)'
            cand --until 'To: a duration back from now or epoch ms (default now)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;budget'= {
            cand --project 'Project slug (default: every project)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Set a project''s monthly budget in USD (`none` clears it)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;llm;budget;set'= {
            cand --project 'Project slug (required unless the token is limited to one project)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --enforce 'Enforce it: once the month''s spend reaches the budget, the LLM proxy answers 429 (`bloop_budget_exceeded`) instead of calling the provider, until the month ends'
            cand --no-enforce 'Stop enforcing it (the budget stays, for the figures and alerts)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;budget;help'= {
            cand set 'Set a project''s monthly budget in USD (`none` clears it)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;llm;budget;help;set'= {
        }
        &'bloop;llm;budget;help;help'= {
        }
        &'bloop;llm;traces'= {
            cand --project 'Project slug (default: every project)'
            cand --since 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)'
            cand --until 'To: a duration back from now or epoch ms (default now)'
            cand --session 'session'
            cand --user 'user'
            cand --status 'completed | error | running | …'
            cand --model 'Traces with a span that used this model (exact name)'
            cand --prompt 'Prompt name'
            cand --prompt-version 'Prompt version (with --prompt)'
            cand --min-cost 'At least this cost, in USD'
            cand --min-latency 'At least this latency, in ms'
            cand --q 'Full-text search, as `bloop llm search`'
            cand --sort 'newest | oldest | cost | latency'
            cand --limit 'Rows, 1..200'
            cand --offset 'Rows to skip (the next page starts where the footer says)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --errors 'Only traces with an error (an error span or the status error)'
            cand --json 'Print the JSON the API answers'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;trace'= {
            cand --project 'The project, when the id exists in several'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print the JSON the API answers'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;search'= {
            cand --project 'Project slug (default: every project)'
            cand --since 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)'
            cand --until 'To: a duration back from now or epoch ms (default now)'
            cand --limit 'Rows, 1..200'
            cand --offset 'Rows to skip (the next page starts where the footer says)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print the JSON the API answers'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;sessions'= {
            cand --project 'Project slug (default: every project)'
            cand --since 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)'
            cand --until 'To: a duration back from now or epoch ms (default now)'
            cand --user 'Only the sessions this user took part in'
            cand --limit 'Rows, 1..200'
            cand --offset 'Rows to skip (the next page starts where the footer says)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print the JSON the API answers'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;session'= {
            cand --project 'The project, when the id exists in several'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print the JSON the API answers'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;score'= {
            cand --project 'The project, when the id exists in several'
            cand --comment 'At most 2,000 characters'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print the JSON the API answers'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;feedback'= {
            cand --project 'The project, when the id exists in several'
            cand --comment 'At most 2,000 characters'
            cand --user 'Who gave it'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print the JSON the API answers'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;export'= {
            cand --project 'Project slug (default: every project)'
            cand --since 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)'
            cand --until 'To: a duration back from now or epoch ms (default now)'
            cand --format 'langsmith | otlp'
            cand --session 'Only this session''s traces'
            cand --limit 'Traces, 1..1000 (the newest)'
            cand -o 'Write the document here instead of stdout'
            cand --output 'Write the document here instead of stdout'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;settings'= {
            cand --project 'project'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Set a project''s content policy (applies to traces written from now on) and whether its failed LLM calls are also filed as error issues'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;llm;settings;set'= {
            cand --project 'project'
            cand --content 'none | metadata_only | full | default (follow llm_tracing.default_content_storage)'
            cand --errors-as-issues 'on | off: file spans with status error as error events (source `llm`) too'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;settings;help'= {
            cand set 'Set a project''s content policy (applies to traces written from now on) and whether its failed LLM calls are also filed as error issues'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;llm;settings;help;set'= {
        }
        &'bloop;llm;settings;help;help'= {
        }
        &'bloop;llm;prices'= {
            cand --provider 'The provider, to pick among same-named models'
            cand --project 'Consider this project''s overrides'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Set a price override in USD per million tokens (global without --project)'
            cand unset 'Remove a price override (global without --project)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;llm;prices;set'= {
            cand --input 'input'
            cand --output 'output'
            cand --cache-read 'cache-read'
            cand --cache-write 'cache-write'
            cand --project 'project'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;prices;unset'= {
            cand --project 'project'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;llm;prices;help'= {
            cand set 'Set a price override in USD per million tokens (global without --project)'
            cand unset 'Remove a price override (global without --project)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;llm;prices;help;set'= {
        }
        &'bloop;llm;prices;help;unset'= {
        }
        &'bloop;llm;prices;help;help'= {
        }
        &'bloop;llm;help'= {
            cand overview 'Traces, spans, tokens, cost, unpriced calls, errors, latency and TTFT (default: last 24h)'
            cand usage 'Usage and cost over time by model, provider, project, prompt or day (default: last 7d)'
            cand models 'Models used, with tokens, cost, and the price that applies and its source (default: 30d)'
            cand latency 'Latency and time-to-first-token percentiles per model (default: last 24h)'
            cand tools 'Tool and retrieval spans: calls, errors, latency percentiles (default: last 24h)'
            cand prompts 'Prompt versions with their averages (default: last 30d)'
            cand compare 'Two versions of a prompt compared, with significance tests (default: last 30d)'
            cand budget 'Monthly budgets: spend this month, month-end forecast; `budget set AMOUNT` sets one'
            cand traces 'List traces started in the last 30 days, newest first (filters narrow; --sort changes the order)'
            cand trace 'One trace: its header, then the span tree with durations, tokens, cost and errors'
            cand search 'Full-text search over trace and span names, error messages and stored content (traces started in the last 30 days)'
            cand sessions 'Sessions active in the last 7 days, latest activity first: all their traces, tokens, cost and errors'
            cand session 'One session: its totals and its traces in order'
            cand score 'Score a trace: a name and a value from 0 to 1'
            cand feedback 'Record user feedback on a trace: up or down'
            cand export 'Export the traces of the last 24 hours as LangSmith runs or OTLP/JSON (to stdout, or --output FILE)'
            cand settings 'Content policy (none | metadata_only | full) and budget per project; `settings set` changes the policy'
            cand prices 'Price overrides, or what MODEL costs and which rule matched; `prices set` / `prices unset`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;llm;help;overview'= {
        }
        &'bloop;llm;help;usage'= {
        }
        &'bloop;llm;help;models'= {
        }
        &'bloop;llm;help;latency'= {
        }
        &'bloop;llm;help;tools'= {
        }
        &'bloop;llm;help;prompts'= {
        }
        &'bloop;llm;help;compare'= {
        }
        &'bloop;llm;help;budget'= {
            cand set 'Set a project''s monthly budget in USD (`none` clears it)'
        }
        &'bloop;llm;help;budget;set'= {
        }
        &'bloop;llm;help;traces'= {
        }
        &'bloop;llm;help;trace'= {
        }
        &'bloop;llm;help;search'= {
        }
        &'bloop;llm;help;sessions'= {
        }
        &'bloop;llm;help;session'= {
        }
        &'bloop;llm;help;score'= {
        }
        &'bloop;llm;help;feedback'= {
        }
        &'bloop;llm;help;export'= {
        }
        &'bloop;llm;help;settings'= {
            cand set 'Set a project''s content policy (applies to traces written from now on) and whether its failed LLM calls are also filed as error issues'
        }
        &'bloop;llm;help;settings;set'= {
        }
        &'bloop;llm;help;prices'= {
            cand set 'Set a price override in USD per million tokens (global without --project)'
            cand unset 'Remove a price override (global without --project)'
        }
        &'bloop;llm;help;prices;set'= {
        }
        &'bloop;llm;help;prices;unset'= {
        }
        &'bloop;llm;help;help'= {
        }
        &'bloop;analytics'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand spikes 'Issues spiking now: this hour and the last against the hours before (z-score)'
            cand movers 'Issues that changed most against the window before (new ones flagged)'
            cand correlations 'Issues that move together (hourly counts correlated, r ≥ 0.7): pairs and clusters'
            cand releases 'Releases, newest version first: what each brought and how it compares'
            cand environments 'Environments: events, share, issues, percentiles of hourly counts'
            cand compare 'Times every insight on DuckDB and on the same rows in SQLite, over the local database (as of its newest hour), and checks both give the same answers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;analytics;spikes'= {
            cand --project 'project'
            cand --hours 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)'
            cand --env 'Only this environment'
            cand --limit 'Rows at most, 1..100'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;analytics;movers'= {
            cand --project 'project'
            cand --hours 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)'
            cand --env 'Only this environment'
            cand --limit 'Rows at most, 1..100'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;analytics;correlations'= {
            cand --project 'project'
            cand --hours 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)'
            cand --env 'Only this environment'
            cand --limit 'Rows at most, 1..100'
            cand --fingerprint 'Only pairs with this issue (its fingerprint)'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;analytics;releases'= {
            cand --project 'project'
            cand --hours 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)'
            cand --env 'Only this environment'
            cand --limit 'Rows at most, 1..100'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;analytics;environments'= {
            cand --project 'project'
            cand --hours 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)'
            cand --env 'Only this environment'
            cand --limit 'Rows at most, 1..100'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;analytics;compare'= {
            cand --runs 'Runs per insight and engine (the median is shown)'
            cand --project 'project'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;analytics;help'= {
            cand spikes 'Issues spiking now: this hour and the last against the hours before (z-score)'
            cand movers 'Issues that changed most against the window before (new ones flagged)'
            cand correlations 'Issues that move together (hourly counts correlated, r ≥ 0.7): pairs and clusters'
            cand releases 'Releases, newest version first: what each brought and how it compares'
            cand environments 'Environments: events, share, issues, percentiles of hourly counts'
            cand compare 'Times every insight on DuckDB and on the same rows in SQLite, over the local database (as of its newest hour), and checks both give the same answers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;analytics;help;spikes'= {
        }
        &'bloop;analytics;help;movers'= {
        }
        &'bloop;analytics;help;correlations'= {
        }
        &'bloop;analytics;help;releases'= {
        }
        &'bloop;analytics;help;environments'= {
        }
        &'bloop;analytics;help;compare'= {
        }
        &'bloop;analytics;help;help'= {
        }
        &'bloop;alerts'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List alert rules'
            cand create 'Create a rule: --type new_issue|regression|threshold|spike, or over LLM calls llm_cost_spike|llm_cost_threshold|llm_error_rate|llm_latency|llm_budget, with channels'
            cand edit 'Change a rule: only the options given change (config options merge into the rule''s config unless --type names another type; channel options replace every channel)'
            cand enable 'Turn a rule on'
            cand disable 'Turn a rule off'
            cand delete 'Delete a rule'
            cand test 'Send a test alert through the rule''s channels and report each outcome'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;alerts;list'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;alerts;create'= {
            cand --name 'name'
            cand --type 'new_issue | regression | threshold | spike | llm_cost_spike | llm_cost_threshold | llm_error_rate | llm_latency | llm_budget'
            cand --project 'Only this project (default: every project)'
            cand --threshold 'threshold: events needed in the window'
            cand --window 'threshold/spike: window length, e.g. 5m, 1h'
            cand --per 'threshold: count per issue, route or project'
            cand --multiplier 'spike: how many times the baseline rate'
            cand --baseline-hours 'spike: hours of baseline'
            cand --amount 'llm_cost_threshold: USD spent in the window'
            cand --percent 'llm_error_rate: % of failed calls; llm_budget: % of the monthly budget (default 80)'
            cand --min-calls 'llm_error_rate, llm_latency: calls needed in the window (default 20)'
            cand --model 'llm_cost_threshold, llm_error_rate, llm_latency: only this model'
            cand --threshold-ms 'llm_latency: milliseconds the percentile must reach'
            cand --percentile 'llm_latency: p50 | p95 | p99 (default p95)'
            cand --metric 'llm_latency: latency | ttft (time to first token)'
            cand --env 'env'
            cand --source 'source'
            cand --release 'release'
            cand --slack 'Slack incoming-webhook URL (repeatable)'
            cand --webhook 'Webhook URL (repeatable); signed with --webhook-secret or auth.hmac_secret'
            cand --webhook-secret 'webhook-secret'
            cand --email 'Email recipient (repeatable; needs [smtp])'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --no-forecast 'llm_budget: do not also alert when the month-end forecast is over the budget'
            cand --disabled 'Create it disabled'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;alerts;edit'= {
            cand --name 'name'
            cand --type 'A new type: the config options given then make the whole new config'
            cand --project 'Only this project; `all` for every project'
            cand --threshold 'threshold: events needed in the window'
            cand --window 'Window length, e.g. 5m, 1h'
            cand --per 'threshold: count per issue, route or project'
            cand --multiplier 'spike, llm_cost_spike: how many times the baseline rate'
            cand --baseline-hours 'spike, llm_cost_spike: hours of baseline'
            cand --amount 'llm_cost_threshold: USD spent in the window'
            cand --percent 'llm_error_rate: % of failed calls; llm_budget: % of the monthly budget'
            cand --min-calls 'llm_error_rate, llm_latency: calls needed in the window'
            cand --model 'llm_cost_threshold, llm_error_rate, llm_latency: only this model (`any`: every model)'
            cand --threshold-ms 'llm_latency: milliseconds the percentile must reach'
            cand --percentile 'llm_latency: p50 | p95 | p99'
            cand --metric 'llm_latency: latency | ttft (time to first token)'
            cand --forecast 'llm_budget: also alert when the month-end forecast is over the budget (true | false)'
            cand --env 'Only events of this environment ("" for any)'
            cand --source 'Only events from this source ("" for any)'
            cand --release 'Only events of this release ("" for any)'
            cand --slack 'Slack incoming-webhook URL (repeatable; replaces the channels)'
            cand --webhook 'Webhook URL (repeatable; replaces the channels)'
            cand --webhook-secret 'webhook-secret'
            cand --email 'Email recipient (repeatable; replaces the channels; needs [smtp])'
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --server-defaults 'Remove the rule''s channels: it then sends to the server''s defaults (BLOOP_SLACK_WEBHOOK_URL, BLOOP_WEBHOOK_URL)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;alerts;enable'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;alerts;disable'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;alerts;delete'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;alerts;test'= {
            cand --url 'Server URL; with it, the command calls the server''s API instead of opening the database'
            cand --token 'API token (`bloop_tk_…`) for --url'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;alerts;help'= {
            cand list 'List alert rules'
            cand create 'Create a rule: --type new_issue|regression|threshold|spike, or over LLM calls llm_cost_spike|llm_cost_threshold|llm_error_rate|llm_latency|llm_budget, with channels'
            cand edit 'Change a rule: only the options given change (config options merge into the rule''s config unless --type names another type; channel options replace every channel)'
            cand enable 'Turn a rule on'
            cand disable 'Turn a rule off'
            cand delete 'Delete a rule'
            cand test 'Send a test alert through the rule''s channels and report each outcome'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;alerts;help;list'= {
        }
        &'bloop;alerts;help;create'= {
        }
        &'bloop;alerts;help;edit'= {
        }
        &'bloop;alerts;help;enable'= {
        }
        &'bloop;alerts;help;disable'= {
        }
        &'bloop;alerts;help;delete'= {
        }
        &'bloop;alerts;help;test'= {
        }
        &'bloop;alerts;help;help'= {
        }
        &'bloop;health'= {
            cand --url 'Server to check (default: this machine''s configured port)'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print the health document as JSON'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;doctor'= {
            cand --url 'Server to probe (default: the configured local address, where not running is a warning)'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;backup'= {
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --force 'Replace FILE if it exists'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;migrate-to-postgres'= {
            cand --from 'The SQLite database to move (default: database.path)'
            cand --to 'The PostgreSQL database to move it into (default: database.url)'
            cand --chunk 'Raw events per transaction (tests use small ones to see a move continue)'
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand --json 'Print JSON (for scripts) instead of text'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;completions'= {
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;man'= {
            cand --config 'Configuration file (default: ./config.toml when present, else built-in defaults)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only warnings and errors'
            cand --quiet 'Only warnings and errors'
            cand --wide 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bloop;help'= {
            cand serve 'Run the ingest server, the query API and the dashboard'
            cand sign 'Print the hex HMAC-SHA256 signature of the exact bytes of a file or stdin'
            cand fingerprint 'Print the issue key (fingerprint) of the events in a file, offline; --explain says why'
            cand send 'Send a test error, or events from flags or a file, to a bloop server'
            cand query 'Query issues: list, detail, stats, releases; change their status'
            cand projects 'Manage projects'
            cand keys 'Manage project ingest keys'
            cand tokens 'Manage API bearer tokens'
            cand sourcemaps 'JavaScript source maps: upload a release''s bundles and maps, list, delete'
            cand users 'Manage dashboard users and invite links'
            cand prune 'Remove raw events older than their retention (cron-safe)'
            cand llm 'LLM traces: usage and cost, models, prompts, budgets, traces, sessions, prices, settings'
            cand analytics 'Insights: spikes, movers, correlated issues, releases, environments (`--features analytics`)'
            cand alerts 'Manage alert rules (new issue, regression, threshold, spike → Slack, webhook, email)'
            cand health 'Check a server''s /health; exit 0 when healthy, 1 otherwise'
            cand doctor 'Check configuration, database, server and clock; exit 1 if anything is wrong'
            cand backup 'Write a consistent copy of the database (safe while serve runs)'
            cand migrate-to-postgres 'Move a SQLite database into an empty PostgreSQL one (resumable; verified by counts)'
            cand completions 'Print shell completions (bash, zsh, fish, powershell, elvish)'
            cand man 'Write man pages (bloop.1 and one per subcommand) into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bloop;help;serve'= {
        }
        &'bloop;help;sign'= {
        }
        &'bloop;help;fingerprint'= {
        }
        &'bloop;help;send'= {
        }
        &'bloop;help;query'= {
            cand errors 'List issues, most recently seen first'
            cand error 'One issue: stack, breakdowns, samples and the last 24 hours'
            cand stats 'Totals, unresolved issues, events in the last 24 h and top routes'
            cand releases 'Releases with their issue and event counts'
            cand resolve 'Mark an issue resolved (optionally in a release: older releases do not reopen it)'
            cand ignore 'Ignore an issue (new events do not reopen it or alert)'
            cand mute 'Mute an issue (counted, never alerted)'
            cand unresolve 'Reopen an issue'
            cand assign 'Assign an issue to a dashboard user (by name), or unassign it with --none'
            cand note 'Add a note to an issue (1 to 10,000 characters; shown in its history)'
        }
        &'bloop;help;query;errors'= {
        }
        &'bloop;help;query;error'= {
        }
        &'bloop;help;query;stats'= {
        }
        &'bloop;help;query;releases'= {
        }
        &'bloop;help;query;resolve'= {
        }
        &'bloop;help;query;ignore'= {
        }
        &'bloop;help;query;mute'= {
        }
        &'bloop;help;query;unresolve'= {
        }
        &'bloop;help;query;assign'= {
        }
        &'bloop;help;query;note'= {
        }
        &'bloop;help;projects'= {
            cand list 'List projects with their issue, event and key counts'
            cand create 'Create a project and its first ingest key'
            cand show 'Show one project'
            cand rename 'Change a project''s display name'
            cand delete 'Delete a project and all its issues, events and keys (one transaction)'
        }
        &'bloop;help;projects;list'= {
        }
        &'bloop;help;projects;create'= {
        }
        &'bloop;help;projects;show'= {
        }
        &'bloop;help;projects;rename'= {
        }
        &'bloop;help;projects;delete'= {
        }
        &'bloop;help;keys'= {
            cand list 'List ingest keys (masked)'
            cand create 'Create a key for a project (printed in full); with --dsn, a public DSN key for Sentry SDKs (prints the DSN)'
            cand rotate 'Replace a key: a new key now, the old one revoked after the grace period'
            cand revoke 'Revoke a key now'
        }
        &'bloop;help;keys;list'= {
        }
        &'bloop;help;keys;create'= {
        }
        &'bloop;help;keys;rotate'= {
        }
        &'bloop;help;keys;revoke'= {
        }
        &'bloop;help;tokens'= {
            cand list 'List tokens (never their secrets)'
            cand create 'Create a token; it is printed once and stored only as a hash'
            cand revoke 'Revoke a token now'
        }
        &'bloop;help;tokens;list'= {
        }
        &'bloop;help;tokens;create'= {
        }
        &'bloop;help;tokens;revoke'= {
        }
        &'bloop;help;sourcemaps'= {
            cand upload 'Upload bundles (.js, .mjs, .cjs) with their .map files, or directories of them'
            cand list 'List a project''s source maps'
            cand delete 'Delete one source map by id, or every map of a release'
        }
        &'bloop;help;sourcemaps;upload'= {
        }
        &'bloop;help;sourcemaps;list'= {
        }
        &'bloop;help;sourcemaps;delete'= {
        }
        &'bloop;help;users'= {
            cand list 'List users with their role, passkeys and last sign-in'
            cand invite 'Create a single-use registration link'
            cand role 'Change a user''s role (the last admin cannot be demoted)'
            cand remove 'Remove a user with their passkeys and sessions'
        }
        &'bloop;help;users;list'= {
        }
        &'bloop;help;users;invite'= {
        }
        &'bloop;help;users;role'= {
        }
        &'bloop;help;users;remove'= {
        }
        &'bloop;help;prune'= {
        }
        &'bloop;help;llm'= {
            cand overview 'Traces, spans, tokens, cost, unpriced calls, errors, latency and TTFT (default: last 24h)'
            cand usage 'Usage and cost over time by model, provider, project, prompt or day (default: last 7d)'
            cand models 'Models used, with tokens, cost, and the price that applies and its source (default: 30d)'
            cand latency 'Latency and time-to-first-token percentiles per model (default: last 24h)'
            cand tools 'Tool and retrieval spans: calls, errors, latency percentiles (default: last 24h)'
            cand prompts 'Prompt versions with their averages (default: last 30d)'
            cand compare 'Two versions of a prompt compared, with significance tests (default: last 30d)'
            cand budget 'Monthly budgets: spend this month, month-end forecast; `budget set AMOUNT` sets one'
            cand traces 'List traces started in the last 30 days, newest first (filters narrow; --sort changes the order)'
            cand trace 'One trace: its header, then the span tree with durations, tokens, cost and errors'
            cand search 'Full-text search over trace and span names, error messages and stored content (traces started in the last 30 days)'
            cand sessions 'Sessions active in the last 7 days, latest activity first: all their traces, tokens, cost and errors'
            cand session 'One session: its totals and its traces in order'
            cand score 'Score a trace: a name and a value from 0 to 1'
            cand feedback 'Record user feedback on a trace: up or down'
            cand export 'Export the traces of the last 24 hours as LangSmith runs or OTLP/JSON (to stdout, or --output FILE)'
            cand settings 'Content policy (none | metadata_only | full) and budget per project; `settings set` changes the policy'
            cand prices 'Price overrides, or what MODEL costs and which rule matched; `prices set` / `prices unset`'
        }
        &'bloop;help;llm;overview'= {
        }
        &'bloop;help;llm;usage'= {
        }
        &'bloop;help;llm;models'= {
        }
        &'bloop;help;llm;latency'= {
        }
        &'bloop;help;llm;tools'= {
        }
        &'bloop;help;llm;prompts'= {
        }
        &'bloop;help;llm;compare'= {
        }
        &'bloop;help;llm;budget'= {
            cand set 'Set a project''s monthly budget in USD (`none` clears it)'
        }
        &'bloop;help;llm;budget;set'= {
        }
        &'bloop;help;llm;traces'= {
        }
        &'bloop;help;llm;trace'= {
        }
        &'bloop;help;llm;search'= {
        }
        &'bloop;help;llm;sessions'= {
        }
        &'bloop;help;llm;session'= {
        }
        &'bloop;help;llm;score'= {
        }
        &'bloop;help;llm;feedback'= {
        }
        &'bloop;help;llm;export'= {
        }
        &'bloop;help;llm;settings'= {
            cand set 'Set a project''s content policy (applies to traces written from now on) and whether its failed LLM calls are also filed as error issues'
        }
        &'bloop;help;llm;settings;set'= {
        }
        &'bloop;help;llm;prices'= {
            cand set 'Set a price override in USD per million tokens (global without --project)'
            cand unset 'Remove a price override (global without --project)'
        }
        &'bloop;help;llm;prices;set'= {
        }
        &'bloop;help;llm;prices;unset'= {
        }
        &'bloop;help;analytics'= {
            cand spikes 'Issues spiking now: this hour and the last against the hours before (z-score)'
            cand movers 'Issues that changed most against the window before (new ones flagged)'
            cand correlations 'Issues that move together (hourly counts correlated, r ≥ 0.7): pairs and clusters'
            cand releases 'Releases, newest version first: what each brought and how it compares'
            cand environments 'Environments: events, share, issues, percentiles of hourly counts'
            cand compare 'Times every insight on DuckDB and on the same rows in SQLite, over the local database (as of its newest hour), and checks both give the same answers'
        }
        &'bloop;help;analytics;spikes'= {
        }
        &'bloop;help;analytics;movers'= {
        }
        &'bloop;help;analytics;correlations'= {
        }
        &'bloop;help;analytics;releases'= {
        }
        &'bloop;help;analytics;environments'= {
        }
        &'bloop;help;analytics;compare'= {
        }
        &'bloop;help;alerts'= {
            cand list 'List alert rules'
            cand create 'Create a rule: --type new_issue|regression|threshold|spike, or over LLM calls llm_cost_spike|llm_cost_threshold|llm_error_rate|llm_latency|llm_budget, with channels'
            cand edit 'Change a rule: only the options given change (config options merge into the rule''s config unless --type names another type; channel options replace every channel)'
            cand enable 'Turn a rule on'
            cand disable 'Turn a rule off'
            cand delete 'Delete a rule'
            cand test 'Send a test alert through the rule''s channels and report each outcome'
        }
        &'bloop;help;alerts;list'= {
        }
        &'bloop;help;alerts;create'= {
        }
        &'bloop;help;alerts;edit'= {
        }
        &'bloop;help;alerts;enable'= {
        }
        &'bloop;help;alerts;disable'= {
        }
        &'bloop;help;alerts;delete'= {
        }
        &'bloop;help;alerts;test'= {
        }
        &'bloop;help;health'= {
        }
        &'bloop;help;doctor'= {
        }
        &'bloop;help;backup'= {
        }
        &'bloop;help;migrate-to-postgres'= {
        }
        &'bloop;help;completions'= {
        }
        &'bloop;help;man'= {
        }
        &'bloop;help;help'= {
        }
    ]
    $completions[$command]
}
