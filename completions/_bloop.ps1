
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'bloop' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'bloop'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'bloop' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the ingest server, the query API and the dashboard')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the hex HMAC-SHA256 signature of the exact bytes of a file or stdin')
            [CompletionResult]::new('fingerprint', 'fingerprint', [CompletionResultType]::ParameterValue, 'Print the issue key (fingerprint) of the events in a file, offline; --explain says why')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a test error, or events from flags or a file, to a bloop server')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Query issues: list, detail, stats, releases; change their status')
            [CompletionResult]::new('projects', 'projects', [CompletionResultType]::ParameterValue, 'Manage projects')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Manage project ingest keys')
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'Manage API bearer tokens')
            [CompletionResult]::new('sourcemaps', 'sourcemaps', [CompletionResultType]::ParameterValue, 'JavaScript source maps: upload a release''s bundles and maps, list, delete')
            [CompletionResult]::new('users', 'users', [CompletionResultType]::ParameterValue, 'Manage dashboard users and invite links')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove raw events older than their retention (cron-safe)')
            [CompletionResult]::new('llm', 'llm', [CompletionResultType]::ParameterValue, 'LLM traces: usage and cost, models, prompts, budgets, traces, sessions, prices, settings')
            [CompletionResult]::new('analytics', 'analytics', [CompletionResultType]::ParameterValue, 'Insights: spikes, movers, correlated issues, releases, environments (`--features analytics`)')
            [CompletionResult]::new('alerts', 'alerts', [CompletionResultType]::ParameterValue, 'Manage alert rules (new issue, regression, threshold, spike → Slack, webhook, email)')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Check a server''s /health; exit 0 when healthy, 1 otherwise')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check configuration, database, server and clock; exit 1 if anything is wrong')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write a consistent copy of the database (safe while serve runs)')
            [CompletionResult]::new('migrate-to-postgres', 'migrate-to-postgres', [CompletionResultType]::ParameterValue, 'Move a SQLite database into an empty PostgreSQL one (resumable; verified by counts)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (bloop.1 and one per subcommand) into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;serve' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Listen on this port instead of `server.port`')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Listen on this port instead of `server.port`')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Listen on this address instead of `server.host`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;sign' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Signing key: a project key (`bloop_…`) or the legacy secret (default: auth.hmac_secret)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;fingerprint' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the key: the normalised message, the grouping frame and the lines skipped before it (and why), or the client''s own key')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON (with `--explain`, every input of the key)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;send' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to send to (default: this machine''s configured port)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Project ingest key (`bloop_…`): sent as X-Project-Key and used to sign')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Legacy global secret to sign with (default: auth.hmac_secret) → `default` project')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Error message')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Error message')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Error type, e.g. TypeError')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Error type, e.g. TypeError')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Source: ios, android, api, python, web…')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment (default production)')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'Release, e.g. 1.4.0')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'Route or procedure, e.g. "POST /api/users"')
            [CompletionResult]::new('--stack', '--stack', [CompletionResultType]::ParameterName, 'File holding the stack trace')
            [CompletionResult]::new('--metadata', '--metadata', [CompletionResultType]::ParameterName, 'Metadata as a JSON object')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Events to send: one event, a {"events": [...]} batch, or JSON lines (`-` = stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Events to send: one event, a {"events": [...]} batch, or JSON lines (`-` = stdin)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Send the event(s) this many times')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Send the event(s) this many times')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Events per batch request')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Send a test LLM trace instead of an error: a generation span with a tool call under it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the server''s answer as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;query' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('errors', 'errors', [CompletionResultType]::ParameterValue, 'List issues, most recently seen first')
            [CompletionResult]::new('error', 'error', [CompletionResultType]::ParameterValue, 'One issue: stack, breakdowns, samples and the last 24 hours')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Totals, unresolved issues, events in the last 24 h and top routes')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'Releases with their issue and event counts')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Mark an issue resolved (optionally in a release: older releases do not reopen it)')
            [CompletionResult]::new('ignore', 'ignore', [CompletionResultType]::ParameterValue, 'Ignore an issue (new events do not reopen it or alert)')
            [CompletionResult]::new('mute', 'mute', [CompletionResultType]::ParameterValue, 'Mute an issue (counted, never alerted)')
            [CompletionResult]::new('unresolve', 'unresolve', [CompletionResultType]::ParameterValue, 'Reopen an issue')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Assign an issue to a dashboard user (by name), or unassign it with --none')
            [CompletionResult]::new('note', 'note', [CompletionResultType]::ParameterValue, 'Add a note to an issue (1 to 10,000 characters; shown in its history)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;query;errors' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'unresolved | resolved | ignored | muted | all')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'release')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'env')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'source')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'route')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Seen since: a duration back from now (24h, 7d) or epoch ms')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'First seen before: a duration back from now or epoch ms')
            [CompletionResult]::new('--q', '--q', [CompletionResultType]::ParameterName, 'Search: free text plus is:, release:, env:, source:, route:, type:, assigned:none|<user> and !key:value')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Search: free text plus is:, release:, env:, source:, route:, type:, assigned:none|<user> and !key:value')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'last_seen | first_seen | total_count')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'limit')
            [CompletionResult]::new('--offset', '--offset', [CompletionResultType]::ParameterName, 'offset')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;query;error' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;query;stats' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;query;releases' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;query;resolve' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'With resolve: the release that fixes it')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;query;ignore' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'With resolve: the release that fixes it')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;query;mute' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'With resolve: the release that fixes it')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;query;unresolve' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'With resolve: the release that fixes it')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;query;assign' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--none', '--none', [CompletionResultType]::ParameterName, 'Unassign the issue')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;query;note' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;query;help' {
            [CompletionResult]::new('errors', 'errors', [CompletionResultType]::ParameterValue, 'List issues, most recently seen first')
            [CompletionResult]::new('error', 'error', [CompletionResultType]::ParameterValue, 'One issue: stack, breakdowns, samples and the last 24 hours')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Totals, unresolved issues, events in the last 24 h and top routes')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'Releases with their issue and event counts')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Mark an issue resolved (optionally in a release: older releases do not reopen it)')
            [CompletionResult]::new('ignore', 'ignore', [CompletionResultType]::ParameterValue, 'Ignore an issue (new events do not reopen it or alert)')
            [CompletionResult]::new('mute', 'mute', [CompletionResultType]::ParameterValue, 'Mute an issue (counted, never alerted)')
            [CompletionResult]::new('unresolve', 'unresolve', [CompletionResultType]::ParameterValue, 'Reopen an issue')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Assign an issue to a dashboard user (by name), or unassign it with --none')
            [CompletionResult]::new('note', 'note', [CompletionResultType]::ParameterValue, 'Add a note to an issue (1 to 10,000 characters; shown in its history)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;query;help;errors' {
            break
        }
        'bloop;query;help;error' {
            break
        }
        'bloop;query;help;stats' {
            break
        }
        'bloop;query;help;releases' {
            break
        }
        'bloop;query;help;resolve' {
            break
        }
        'bloop;query;help;ignore' {
            break
        }
        'bloop;query;help;mute' {
            break
        }
        'bloop;query;help;unresolve' {
            break
        }
        'bloop;query;help;assign' {
            break
        }
        'bloop;query;help;note' {
            break
        }
        'bloop;query;help;help' {
            break
        }
        'bloop;projects' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List projects with their issue, event and key counts')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a project and its first ingest key')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one project')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Change a project''s display name')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a project and all its issues, events and keys (one transaction)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;projects;list' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;projects;create' {
            [CompletionResult]::new('--slug', '--slug', [CompletionResultType]::ParameterName, 'URL-safe id (default: derived from the name)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;projects;show' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;projects;rename' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;projects;delete' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;projects;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List projects with their issue, event and key counts')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a project and its first ingest key')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one project')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Change a project''s display name')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a project and all its issues, events and keys (one transaction)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;projects;help;list' {
            break
        }
        'bloop;projects;help;create' {
            break
        }
        'bloop;projects;help;show' {
            break
        }
        'bloop;projects;help;rename' {
            break
        }
        'bloop;projects;help;delete' {
            break
        }
        'bloop;projects;help;help' {
            break
        }
        'bloop;keys' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List ingest keys (masked)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a key for a project (printed in full); with --dsn, a public DSN key for Sentry SDKs (prints the DSN)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace a key: a new key now, the old one revoked after the grace period')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;keys;list' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Show the full keys')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;keys;create' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'name')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--dsn', '--dsn', [CompletionResultType]::ParameterName, 'A DSN key for unmodified Sentry SDKs (public: it can only send errors) instead of an ingest key')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;keys;rotate' {
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'How long the old key keeps working (e.g. 1h, 30m; default: stops now)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;keys;revoke' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;keys;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List ingest keys (masked)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a key for a project (printed in full); with --dsn, a public DSN key for Sentry SDKs (prints the DSN)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace a key: a new key now, the old one revoked after the grace period')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;keys;help;list' {
            break
        }
        'bloop;keys;help;create' {
            break
        }
        'bloop;keys;help;rotate' {
            break
        }
        'bloop;keys;help;revoke' {
            break
        }
        'bloop;keys;help;help' {
            break
        }
        'bloop;tokens' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens (never their secrets)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token; it is printed once and stored only as a hash')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;tokens;list' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;tokens;create' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'What the token is for')
            [CompletionResult]::new('--scopes', '--scopes', [CompletionResultType]::ParameterName, 'Comma-separated: errors:read, errors:write, projects:read, projects:write, keys:write, alerts:read, alerts:write, admin')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Limit the token to one project')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Lifetime, e.g. 90d (default: no expiry)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;tokens;revoke' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;tokens;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens (never their secrets)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token; it is printed once and stored only as a hash')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;tokens;help;list' {
            break
        }
        'bloop;tokens;help;create' {
            break
        }
        'bloop;tokens;help;revoke' {
            break
        }
        'bloop;tokens;help;help' {
            break
        }
        'bloop;sourcemaps' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Upload bundles (.js, .mjs, .cjs) with their .map files, or directories of them')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a project''s source maps')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one source map by id, or every map of a release')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;sourcemaps;upload' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'The release the bundles were built for (as the SDK''s `release`); omit for bundles with debug IDs')
            [CompletionResult]::new('--url-prefix', '--url-prefix', [CompletionResultType]::ParameterName, 'Prefix of the names, as stack frames show the files: `~` matches any host (`~/static/js` for https://example.com/static/js/app.js)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;sourcemaps;list' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'release')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;sourcemaps;delete' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'Every map of this release ("" for those uploaded without one)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;sourcemaps;help' {
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Upload bundles (.js, .mjs, .cjs) with their .map files, or directories of them')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a project''s source maps')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one source map by id, or every map of a release')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;sourcemaps;help;upload' {
            break
        }
        'bloop;sourcemaps;help;list' {
            break
        }
        'bloop;sourcemaps;help;delete' {
            break
        }
        'bloop;sourcemaps;help;help' {
            break
        }
        'bloop;users' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users with their role, passkeys and last sign-in')
            [CompletionResult]::new('invite', 'invite', [CompletionResultType]::ParameterValue, 'Create a single-use registration link')
            [CompletionResult]::new('role', 'role', [CompletionResultType]::ParameterValue, 'Change a user''s role (the last admin cannot be demoted)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user with their passkeys and sessions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;users;list' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;users;invite' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Role of the new user: admin, member (triage) or viewer (read only)')
            [CompletionResult]::new('--expires-hours', '--expires-hours', [CompletionResultType]::ParameterName, 'Hours until the link expires (at most 720)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'Shorthand for `--role admin` (also how to make the first admin)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;users;role' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;users;remove' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;users;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users with their role, passkeys and last sign-in')
            [CompletionResult]::new('invite', 'invite', [CompletionResultType]::ParameterValue, 'Create a single-use registration link')
            [CompletionResult]::new('role', 'role', [CompletionResultType]::ParameterValue, 'Change a user''s role (the last admin cannot be demoted)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user with their passkeys and sessions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;users;help;list' {
            break
        }
        'bloop;users;help;invite' {
            break
        }
        'bloop;users;help;role' {
            break
        }
        'bloop;users;help;remove' {
            break
        }
        'bloop;users;help;help' {
            break
        }
        'bloop;prune' {
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Keep this many days for every project (default: each project''s retention)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Only this project')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Count what would be removed; remove nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('overview', 'overview', [CompletionResultType]::ParameterValue, 'Traces, spans, tokens, cost, unpriced calls, errors, latency and TTFT (default: last 24h)')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Usage and cost over time by model, provider, project, prompt or day (default: last 7d)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'Models used, with tokens, cost, and the price that applies and its source (default: 30d)')
            [CompletionResult]::new('latency', 'latency', [CompletionResultType]::ParameterValue, 'Latency and time-to-first-token percentiles per model (default: last 24h)')
            [CompletionResult]::new('tools', 'tools', [CompletionResultType]::ParameterValue, 'Tool and retrieval spans: calls, errors, latency percentiles (default: last 24h)')
            [CompletionResult]::new('prompts', 'prompts', [CompletionResultType]::ParameterValue, 'Prompt versions with their averages (default: last 30d)')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Two versions of a prompt compared, with significance tests (default: last 30d)')
            [CompletionResult]::new('budget', 'budget', [CompletionResultType]::ParameterValue, 'Monthly budgets: spend this month, month-end forecast; `budget set AMOUNT` sets one')
            [CompletionResult]::new('traces', 'traces', [CompletionResultType]::ParameterValue, 'List traces started in the last 30 days, newest first (filters narrow; --sort changes the order)')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'One trace: its header, then the span tree with durations, tokens, cost and errors')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Full-text search over trace and span names, error messages and stored content (traces started in the last 30 days)')
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'Sessions active in the last 7 days, latest activity first: all their traces, tokens, cost and errors')
            [CompletionResult]::new('session', 'session', [CompletionResultType]::ParameterValue, 'One session: its totals and its traces in order')
            [CompletionResult]::new('score', 'score', [CompletionResultType]::ParameterValue, 'Score a trace: a name and a value from 0 to 1')
            [CompletionResult]::new('feedback', 'feedback', [CompletionResultType]::ParameterValue, 'Record user feedback on a trace: up or down')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the traces of the last 24 hours as LangSmith runs or OTLP/JSON (to stdout, or --output FILE)')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Content policy (none | metadata_only | full) and budget per project; `settings set` changes the policy')
            [CompletionResult]::new('prices', 'prices', [CompletionResultType]::ParameterValue, 'Price overrides, or what MODEL costs and which rule matched; `prices set` / `prices unset`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;llm;overview' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'To: a duration back from now or epoch ms (default now)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;usage' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'To: a duration back from now or epoch ms (default now)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'model | provider | project | prompt | day (one row per UTC day)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;models' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'To: a duration back from now or epoch ms (default now)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;latency' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'To: a duration back from now or epoch ms (default now)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'One model only')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;tools' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'To: a duration back from now or epoch ms (default now)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'tool | retrieval | all (default: tool and retrieval)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'limit')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;prompts' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'To: a duration back from now or epoch ms (default now)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'One prompt only')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;compare' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'To: a duration back from now or epoch ms (default now)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;budget' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a project''s monthly budget in USD (`none` clears it)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;llm;budget;set' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (required unless the token is limited to one project)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--enforce', '--enforce', [CompletionResultType]::ParameterName, 'Enforce it: once the month''s spend reaches the budget, the LLM proxy answers 429 (`bloop_budget_exceeded`) instead of calling the provider, until the month ends')
            [CompletionResult]::new('--no-enforce', '--no-enforce', [CompletionResultType]::ParameterName, 'Stop enforcing it (the budget stays, for the figures and alerts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;budget;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a project''s monthly budget in USD (`none` clears it)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;llm;budget;help;set' {
            break
        }
        'bloop;llm;budget;help;help' {
            break
        }
        'bloop;llm;traces' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'To: a duration back from now or epoch ms (default now)')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'session')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'user')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'completed | error | running | …')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Traces with a span that used this model (exact name)')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Prompt name')
            [CompletionResult]::new('--prompt-version', '--prompt-version', [CompletionResultType]::ParameterName, 'Prompt version (with --prompt)')
            [CompletionResult]::new('--min-cost', '--min-cost', [CompletionResultType]::ParameterName, 'At least this cost, in USD')
            [CompletionResult]::new('--min-latency', '--min-latency', [CompletionResultType]::ParameterName, 'At least this latency, in ms')
            [CompletionResult]::new('--q', '--q', [CompletionResultType]::ParameterName, 'Full-text search, as `bloop llm search`')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'newest | oldest | cost | latency')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows, 1..200')
            [CompletionResult]::new('--offset', '--offset', [CompletionResultType]::ParameterName, 'Rows to skip (the next page starts where the footer says)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--errors', '--errors', [CompletionResultType]::ParameterName, 'Only traces with an error (an error span or the status error)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the JSON the API answers')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;trace' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project, when the id exists in several')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the JSON the API answers')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;search' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'To: a duration back from now or epoch ms (default now)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows, 1..200')
            [CompletionResult]::new('--offset', '--offset', [CompletionResultType]::ParameterName, 'Rows to skip (the next page starts where the footer says)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the JSON the API answers')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;sessions' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'To: a duration back from now or epoch ms (default now)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only the sessions this user took part in')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows, 1..200')
            [CompletionResult]::new('--offset', '--offset', [CompletionResultType]::ParameterName, 'Rows to skip (the next page starts where the footer says)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the JSON the API answers')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;session' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project, when the id exists in several')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the JSON the API answers')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;score' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project, when the id exists in several')
            [CompletionResult]::new('--comment', '--comment', [CompletionResultType]::ParameterName, 'At most 2,000 characters')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the JSON the API answers')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;feedback' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project, when the id exists in several')
            [CompletionResult]::new('--comment', '--comment', [CompletionResultType]::ParameterName, 'At most 2,000 characters')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Who gave it')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the JSON the API answers')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;export' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project slug (default: every project)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration back from now (24h, 7d) or epoch ms (the default window is in the command''s description)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'To: a duration back from now or epoch ms (default now)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'langsmith | otlp')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Only this session''s traces')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Traces, 1..1000 (the newest)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the document here instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the document here instead of stdout')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;settings' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a project''s content policy (applies to traces written from now on) and whether its failed LLM calls are also filed as error issues')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;llm;settings;set' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--content', '--content', [CompletionResultType]::ParameterName, 'none | metadata_only | full | default (follow llm_tracing.default_content_storage)')
            [CompletionResult]::new('--errors-as-issues', '--errors-as-issues', [CompletionResultType]::ParameterName, 'on | off: file spans with status error as error events (source `llm`) too')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;settings;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a project''s content policy (applies to traces written from now on) and whether its failed LLM calls are also filed as error issues')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;llm;settings;help;set' {
            break
        }
        'bloop;llm;settings;help;help' {
            break
        }
        'bloop;llm;prices' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'The provider, to pick among same-named models')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Consider this project''s overrides')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a price override in USD per million tokens (global without --project)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a price override (global without --project)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;llm;prices;set' {
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'input')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--cache-read', '--cache-read', [CompletionResultType]::ParameterName, 'cache-read')
            [CompletionResult]::new('--cache-write', '--cache-write', [CompletionResultType]::ParameterName, 'cache-write')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;prices;unset' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;llm;prices;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a price override in USD per million tokens (global without --project)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a price override (global without --project)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;llm;prices;help;set' {
            break
        }
        'bloop;llm;prices;help;unset' {
            break
        }
        'bloop;llm;prices;help;help' {
            break
        }
        'bloop;llm;help' {
            [CompletionResult]::new('overview', 'overview', [CompletionResultType]::ParameterValue, 'Traces, spans, tokens, cost, unpriced calls, errors, latency and TTFT (default: last 24h)')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Usage and cost over time by model, provider, project, prompt or day (default: last 7d)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'Models used, with tokens, cost, and the price that applies and its source (default: 30d)')
            [CompletionResult]::new('latency', 'latency', [CompletionResultType]::ParameterValue, 'Latency and time-to-first-token percentiles per model (default: last 24h)')
            [CompletionResult]::new('tools', 'tools', [CompletionResultType]::ParameterValue, 'Tool and retrieval spans: calls, errors, latency percentiles (default: last 24h)')
            [CompletionResult]::new('prompts', 'prompts', [CompletionResultType]::ParameterValue, 'Prompt versions with their averages (default: last 30d)')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Two versions of a prompt compared, with significance tests (default: last 30d)')
            [CompletionResult]::new('budget', 'budget', [CompletionResultType]::ParameterValue, 'Monthly budgets: spend this month, month-end forecast; `budget set AMOUNT` sets one')
            [CompletionResult]::new('traces', 'traces', [CompletionResultType]::ParameterValue, 'List traces started in the last 30 days, newest first (filters narrow; --sort changes the order)')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'One trace: its header, then the span tree with durations, tokens, cost and errors')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Full-text search over trace and span names, error messages and stored content (traces started in the last 30 days)')
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'Sessions active in the last 7 days, latest activity first: all their traces, tokens, cost and errors')
            [CompletionResult]::new('session', 'session', [CompletionResultType]::ParameterValue, 'One session: its totals and its traces in order')
            [CompletionResult]::new('score', 'score', [CompletionResultType]::ParameterValue, 'Score a trace: a name and a value from 0 to 1')
            [CompletionResult]::new('feedback', 'feedback', [CompletionResultType]::ParameterValue, 'Record user feedback on a trace: up or down')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the traces of the last 24 hours as LangSmith runs or OTLP/JSON (to stdout, or --output FILE)')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Content policy (none | metadata_only | full) and budget per project; `settings set` changes the policy')
            [CompletionResult]::new('prices', 'prices', [CompletionResultType]::ParameterValue, 'Price overrides, or what MODEL costs and which rule matched; `prices set` / `prices unset`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;llm;help;overview' {
            break
        }
        'bloop;llm;help;usage' {
            break
        }
        'bloop;llm;help;models' {
            break
        }
        'bloop;llm;help;latency' {
            break
        }
        'bloop;llm;help;tools' {
            break
        }
        'bloop;llm;help;prompts' {
            break
        }
        'bloop;llm;help;compare' {
            break
        }
        'bloop;llm;help;budget' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a project''s monthly budget in USD (`none` clears it)')
            break
        }
        'bloop;llm;help;budget;set' {
            break
        }
        'bloop;llm;help;traces' {
            break
        }
        'bloop;llm;help;trace' {
            break
        }
        'bloop;llm;help;search' {
            break
        }
        'bloop;llm;help;sessions' {
            break
        }
        'bloop;llm;help;session' {
            break
        }
        'bloop;llm;help;score' {
            break
        }
        'bloop;llm;help;feedback' {
            break
        }
        'bloop;llm;help;export' {
            break
        }
        'bloop;llm;help;settings' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a project''s content policy (applies to traces written from now on) and whether its failed LLM calls are also filed as error issues')
            break
        }
        'bloop;llm;help;settings;set' {
            break
        }
        'bloop;llm;help;prices' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a price override in USD per million tokens (global without --project)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a price override (global without --project)')
            break
        }
        'bloop;llm;help;prices;set' {
            break
        }
        'bloop;llm;help;prices;unset' {
            break
        }
        'bloop;llm;help;help' {
            break
        }
        'bloop;analytics' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('spikes', 'spikes', [CompletionResultType]::ParameterValue, 'Issues spiking now: this hour and the last against the hours before (z-score)')
            [CompletionResult]::new('movers', 'movers', [CompletionResultType]::ParameterValue, 'Issues that changed most against the window before (new ones flagged)')
            [CompletionResult]::new('correlations', 'correlations', [CompletionResultType]::ParameterValue, 'Issues that move together (hourly counts correlated, r ≥ 0.7): pairs and clusters')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'Releases, newest version first: what each brought and how it compares')
            [CompletionResult]::new('environments', 'environments', [CompletionResultType]::ParameterValue, 'Environments: events, share, issues, percentiles of hourly counts')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Times every insight on DuckDB and on the same rows in SQLite, over the local database (as of its newest hour), and checks both give the same answers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;analytics;spikes' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--hours', '--hours', [CompletionResultType]::ParameterName, 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only this environment')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows at most, 1..100')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;analytics;movers' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--hours', '--hours', [CompletionResultType]::ParameterName, 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only this environment')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows at most, 1..100')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;analytics;correlations' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--hours', '--hours', [CompletionResultType]::ParameterName, 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only this environment')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows at most, 1..100')
            [CompletionResult]::new('--fingerprint', '--fingerprint', [CompletionResultType]::ParameterName, 'Only pairs with this issue (its fingerprint)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;analytics;releases' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--hours', '--hours', [CompletionResultType]::ParameterName, 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only this environment')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows at most, 1..100')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;analytics;environments' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--hours', '--hours', [CompletionResultType]::ParameterName, 'Hours to look at, 1..720 (for spikes: the baseline before the last two hours)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only this environment')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows at most, 1..100')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;analytics;compare' {
            [CompletionResult]::new('--runs', '--runs', [CompletionResultType]::ParameterName, 'Runs per insight and engine (the median is shown)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'project')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;analytics;help' {
            [CompletionResult]::new('spikes', 'spikes', [CompletionResultType]::ParameterValue, 'Issues spiking now: this hour and the last against the hours before (z-score)')
            [CompletionResult]::new('movers', 'movers', [CompletionResultType]::ParameterValue, 'Issues that changed most against the window before (new ones flagged)')
            [CompletionResult]::new('correlations', 'correlations', [CompletionResultType]::ParameterValue, 'Issues that move together (hourly counts correlated, r ≥ 0.7): pairs and clusters')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'Releases, newest version first: what each brought and how it compares')
            [CompletionResult]::new('environments', 'environments', [CompletionResultType]::ParameterValue, 'Environments: events, share, issues, percentiles of hourly counts')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Times every insight on DuckDB and on the same rows in SQLite, over the local database (as of its newest hour), and checks both give the same answers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;analytics;help;spikes' {
            break
        }
        'bloop;analytics;help;movers' {
            break
        }
        'bloop;analytics;help;correlations' {
            break
        }
        'bloop;analytics;help;releases' {
            break
        }
        'bloop;analytics;help;environments' {
            break
        }
        'bloop;analytics;help;compare' {
            break
        }
        'bloop;analytics;help;help' {
            break
        }
        'bloop;alerts' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List alert rules')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a rule: --type new_issue|regression|threshold|spike, or over LLM calls llm_cost_spike|llm_cost_threshold|llm_error_rate|llm_latency|llm_budget, with channels')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a rule: only the options given change (config options merge into the rule''s config unless --type names another type; channel options replace every channel)')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn a rule on')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn a rule off')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a rule')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a test alert through the rule''s channels and report each outcome')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;alerts;list' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;alerts;create' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'name')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'new_issue | regression | threshold | spike | llm_cost_spike | llm_cost_threshold | llm_error_rate | llm_latency | llm_budget')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Only this project (default: every project)')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'threshold: events needed in the window')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'threshold/spike: window length, e.g. 5m, 1h')
            [CompletionResult]::new('--per', '--per', [CompletionResultType]::ParameterName, 'threshold: count per issue, route or project')
            [CompletionResult]::new('--multiplier', '--multiplier', [CompletionResultType]::ParameterName, 'spike: how many times the baseline rate')
            [CompletionResult]::new('--baseline-hours', '--baseline-hours', [CompletionResultType]::ParameterName, 'spike: hours of baseline')
            [CompletionResult]::new('--amount', '--amount', [CompletionResultType]::ParameterName, 'llm_cost_threshold: USD spent in the window')
            [CompletionResult]::new('--percent', '--percent', [CompletionResultType]::ParameterName, 'llm_error_rate: % of failed calls; llm_budget: % of the monthly budget (default 80)')
            [CompletionResult]::new('--min-calls', '--min-calls', [CompletionResultType]::ParameterName, 'llm_error_rate, llm_latency: calls needed in the window (default 20)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'llm_cost_threshold, llm_error_rate, llm_latency: only this model')
            [CompletionResult]::new('--threshold-ms', '--threshold-ms', [CompletionResultType]::ParameterName, 'llm_latency: milliseconds the percentile must reach')
            [CompletionResult]::new('--percentile', '--percentile', [CompletionResultType]::ParameterName, 'llm_latency: p50 | p95 | p99 (default p95)')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'llm_latency: latency | ttft (time to first token)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'env')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'source')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'release')
            [CompletionResult]::new('--slack', '--slack', [CompletionResultType]::ParameterName, 'Slack incoming-webhook URL (repeatable)')
            [CompletionResult]::new('--webhook', '--webhook', [CompletionResultType]::ParameterName, 'Webhook URL (repeatable); signed with --webhook-secret or auth.hmac_secret')
            [CompletionResult]::new('--webhook-secret', '--webhook-secret', [CompletionResultType]::ParameterName, 'webhook-secret')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Email recipient (repeatable; needs [smtp])')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--no-forecast', '--no-forecast', [CompletionResultType]::ParameterName, 'llm_budget: do not also alert when the month-end forecast is over the budget')
            [CompletionResult]::new('--disabled', '--disabled', [CompletionResultType]::ParameterName, 'Create it disabled')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;alerts;edit' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'name')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'A new type: the config options given then make the whole new config')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Only this project; `all` for every project')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'threshold: events needed in the window')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Window length, e.g. 5m, 1h')
            [CompletionResult]::new('--per', '--per', [CompletionResultType]::ParameterName, 'threshold: count per issue, route or project')
            [CompletionResult]::new('--multiplier', '--multiplier', [CompletionResultType]::ParameterName, 'spike, llm_cost_spike: how many times the baseline rate')
            [CompletionResult]::new('--baseline-hours', '--baseline-hours', [CompletionResultType]::ParameterName, 'spike, llm_cost_spike: hours of baseline')
            [CompletionResult]::new('--amount', '--amount', [CompletionResultType]::ParameterName, 'llm_cost_threshold: USD spent in the window')
            [CompletionResult]::new('--percent', '--percent', [CompletionResultType]::ParameterName, 'llm_error_rate: % of failed calls; llm_budget: % of the monthly budget')
            [CompletionResult]::new('--min-calls', '--min-calls', [CompletionResultType]::ParameterName, 'llm_error_rate, llm_latency: calls needed in the window')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'llm_cost_threshold, llm_error_rate, llm_latency: only this model (`any`: every model)')
            [CompletionResult]::new('--threshold-ms', '--threshold-ms', [CompletionResultType]::ParameterName, 'llm_latency: milliseconds the percentile must reach')
            [CompletionResult]::new('--percentile', '--percentile', [CompletionResultType]::ParameterName, 'llm_latency: p50 | p95 | p99')
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'llm_latency: latency | ttft (time to first token)')
            [CompletionResult]::new('--forecast', '--forecast', [CompletionResultType]::ParameterName, 'llm_budget: also alert when the month-end forecast is over the budget (true | false)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only events of this environment ("" for any)')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Only events from this source ("" for any)')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'Only events of this release ("" for any)')
            [CompletionResult]::new('--slack', '--slack', [CompletionResultType]::ParameterName, 'Slack incoming-webhook URL (repeatable; replaces the channels)')
            [CompletionResult]::new('--webhook', '--webhook', [CompletionResultType]::ParameterName, 'Webhook URL (repeatable; replaces the channels)')
            [CompletionResult]::new('--webhook-secret', '--webhook-secret', [CompletionResultType]::ParameterName, 'webhook-secret')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Email recipient (repeatable; replaces the channels; needs [smtp])')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--server-defaults', '--server-defaults', [CompletionResultType]::ParameterName, 'Remove the rule''s channels: it then sends to the server''s defaults (BLOOP_SLACK_WEBHOOK_URL, BLOOP_WEBHOOK_URL)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;alerts;enable' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;alerts;disable' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;alerts;delete' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;alerts;test' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL; with it, the command calls the server''s API instead of opening the database')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'API token (`bloop_tk_…`) for --url')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;alerts;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List alert rules')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a rule: --type new_issue|regression|threshold|spike, or over LLM calls llm_cost_spike|llm_cost_threshold|llm_error_rate|llm_latency|llm_budget, with channels')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a rule: only the options given change (config options merge into the rule''s config unless --type names another type; channel options replace every channel)')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn a rule on')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn a rule off')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a rule')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a test alert through the rule''s channels and report each outcome')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;alerts;help;list' {
            break
        }
        'bloop;alerts;help;create' {
            break
        }
        'bloop;alerts;help;edit' {
            break
        }
        'bloop;alerts;help;enable' {
            break
        }
        'bloop;alerts;help;disable' {
            break
        }
        'bloop;alerts;help;delete' {
            break
        }
        'bloop;alerts;help;test' {
            break
        }
        'bloop;alerts;help;help' {
            break
        }
        'bloop;health' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to check (default: this machine''s configured port)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the health document as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;doctor' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server to probe (default: the configured local address, where not running is a warning)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;backup' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace FILE if it exists')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;migrate-to-postgres' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The SQLite database to move (default: database.path)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The PostgreSQL database to move it into (default: database.url)')
            [CompletionResult]::new('--chunk', '--chunk', [CompletionResultType]::ParameterName, 'Raw events per transaction (tests use small ones to see a move continue)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (for scripts) instead of text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;man' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./config.toml when present, else built-in defaults)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only warnings and errors')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Tables as wide as their content (by default they fit the terminal, or COLUMNS)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bloop;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the ingest server, the query API and the dashboard')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the hex HMAC-SHA256 signature of the exact bytes of a file or stdin')
            [CompletionResult]::new('fingerprint', 'fingerprint', [CompletionResultType]::ParameterValue, 'Print the issue key (fingerprint) of the events in a file, offline; --explain says why')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a test error, or events from flags or a file, to a bloop server')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Query issues: list, detail, stats, releases; change their status')
            [CompletionResult]::new('projects', 'projects', [CompletionResultType]::ParameterValue, 'Manage projects')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Manage project ingest keys')
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'Manage API bearer tokens')
            [CompletionResult]::new('sourcemaps', 'sourcemaps', [CompletionResultType]::ParameterValue, 'JavaScript source maps: upload a release''s bundles and maps, list, delete')
            [CompletionResult]::new('users', 'users', [CompletionResultType]::ParameterValue, 'Manage dashboard users and invite links')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove raw events older than their retention (cron-safe)')
            [CompletionResult]::new('llm', 'llm', [CompletionResultType]::ParameterValue, 'LLM traces: usage and cost, models, prompts, budgets, traces, sessions, prices, settings')
            [CompletionResult]::new('analytics', 'analytics', [CompletionResultType]::ParameterValue, 'Insights: spikes, movers, correlated issues, releases, environments (`--features analytics`)')
            [CompletionResult]::new('alerts', 'alerts', [CompletionResultType]::ParameterValue, 'Manage alert rules (new issue, regression, threshold, spike → Slack, webhook, email)')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Check a server''s /health; exit 0 when healthy, 1 otherwise')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check configuration, database, server and clock; exit 1 if anything is wrong')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write a consistent copy of the database (safe while serve runs)')
            [CompletionResult]::new('migrate-to-postgres', 'migrate-to-postgres', [CompletionResultType]::ParameterValue, 'Move a SQLite database into an empty PostgreSQL one (resumable; verified by counts)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (bloop.1 and one per subcommand) into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bloop;help;serve' {
            break
        }
        'bloop;help;sign' {
            break
        }
        'bloop;help;fingerprint' {
            break
        }
        'bloop;help;send' {
            break
        }
        'bloop;help;query' {
            [CompletionResult]::new('errors', 'errors', [CompletionResultType]::ParameterValue, 'List issues, most recently seen first')
            [CompletionResult]::new('error', 'error', [CompletionResultType]::ParameterValue, 'One issue: stack, breakdowns, samples and the last 24 hours')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Totals, unresolved issues, events in the last 24 h and top routes')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'Releases with their issue and event counts')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Mark an issue resolved (optionally in a release: older releases do not reopen it)')
            [CompletionResult]::new('ignore', 'ignore', [CompletionResultType]::ParameterValue, 'Ignore an issue (new events do not reopen it or alert)')
            [CompletionResult]::new('mute', 'mute', [CompletionResultType]::ParameterValue, 'Mute an issue (counted, never alerted)')
            [CompletionResult]::new('unresolve', 'unresolve', [CompletionResultType]::ParameterValue, 'Reopen an issue')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Assign an issue to a dashboard user (by name), or unassign it with --none')
            [CompletionResult]::new('note', 'note', [CompletionResultType]::ParameterValue, 'Add a note to an issue (1 to 10,000 characters; shown in its history)')
            break
        }
        'bloop;help;query;errors' {
            break
        }
        'bloop;help;query;error' {
            break
        }
        'bloop;help;query;stats' {
            break
        }
        'bloop;help;query;releases' {
            break
        }
        'bloop;help;query;resolve' {
            break
        }
        'bloop;help;query;ignore' {
            break
        }
        'bloop;help;query;mute' {
            break
        }
        'bloop;help;query;unresolve' {
            break
        }
        'bloop;help;query;assign' {
            break
        }
        'bloop;help;query;note' {
            break
        }
        'bloop;help;projects' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List projects with their issue, event and key counts')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a project and its first ingest key')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one project')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Change a project''s display name')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a project and all its issues, events and keys (one transaction)')
            break
        }
        'bloop;help;projects;list' {
            break
        }
        'bloop;help;projects;create' {
            break
        }
        'bloop;help;projects;show' {
            break
        }
        'bloop;help;projects;rename' {
            break
        }
        'bloop;help;projects;delete' {
            break
        }
        'bloop;help;keys' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List ingest keys (masked)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a key for a project (printed in full); with --dsn, a public DSN key for Sentry SDKs (prints the DSN)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace a key: a new key now, the old one revoked after the grace period')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key now')
            break
        }
        'bloop;help;keys;list' {
            break
        }
        'bloop;help;keys;create' {
            break
        }
        'bloop;help;keys;rotate' {
            break
        }
        'bloop;help;keys;revoke' {
            break
        }
        'bloop;help;tokens' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens (never their secrets)')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token; it is printed once and stored only as a hash')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token now')
            break
        }
        'bloop;help;tokens;list' {
            break
        }
        'bloop;help;tokens;create' {
            break
        }
        'bloop;help;tokens;revoke' {
            break
        }
        'bloop;help;sourcemaps' {
            [CompletionResult]::new('upload', 'upload', [CompletionResultType]::ParameterValue, 'Upload bundles (.js, .mjs, .cjs) with their .map files, or directories of them')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a project''s source maps')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one source map by id, or every map of a release')
            break
        }
        'bloop;help;sourcemaps;upload' {
            break
        }
        'bloop;help;sourcemaps;list' {
            break
        }
        'bloop;help;sourcemaps;delete' {
            break
        }
        'bloop;help;users' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users with their role, passkeys and last sign-in')
            [CompletionResult]::new('invite', 'invite', [CompletionResultType]::ParameterValue, 'Create a single-use registration link')
            [CompletionResult]::new('role', 'role', [CompletionResultType]::ParameterValue, 'Change a user''s role (the last admin cannot be demoted)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user with their passkeys and sessions')
            break
        }
        'bloop;help;users;list' {
            break
        }
        'bloop;help;users;invite' {
            break
        }
        'bloop;help;users;role' {
            break
        }
        'bloop;help;users;remove' {
            break
        }
        'bloop;help;prune' {
            break
        }
        'bloop;help;llm' {
            [CompletionResult]::new('overview', 'overview', [CompletionResultType]::ParameterValue, 'Traces, spans, tokens, cost, unpriced calls, errors, latency and TTFT (default: last 24h)')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Usage and cost over time by model, provider, project, prompt or day (default: last 7d)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'Models used, with tokens, cost, and the price that applies and its source (default: 30d)')
            [CompletionResult]::new('latency', 'latency', [CompletionResultType]::ParameterValue, 'Latency and time-to-first-token percentiles per model (default: last 24h)')
            [CompletionResult]::new('tools', 'tools', [CompletionResultType]::ParameterValue, 'Tool and retrieval spans: calls, errors, latency percentiles (default: last 24h)')
            [CompletionResult]::new('prompts', 'prompts', [CompletionResultType]::ParameterValue, 'Prompt versions with their averages (default: last 30d)')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Two versions of a prompt compared, with significance tests (default: last 30d)')
            [CompletionResult]::new('budget', 'budget', [CompletionResultType]::ParameterValue, 'Monthly budgets: spend this month, month-end forecast; `budget set AMOUNT` sets one')
            [CompletionResult]::new('traces', 'traces', [CompletionResultType]::ParameterValue, 'List traces started in the last 30 days, newest first (filters narrow; --sort changes the order)')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'One trace: its header, then the span tree with durations, tokens, cost and errors')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Full-text search over trace and span names, error messages and stored content (traces started in the last 30 days)')
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'Sessions active in the last 7 days, latest activity first: all their traces, tokens, cost and errors')
            [CompletionResult]::new('session', 'session', [CompletionResultType]::ParameterValue, 'One session: its totals and its traces in order')
            [CompletionResult]::new('score', 'score', [CompletionResultType]::ParameterValue, 'Score a trace: a name and a value from 0 to 1')
            [CompletionResult]::new('feedback', 'feedback', [CompletionResultType]::ParameterValue, 'Record user feedback on a trace: up or down')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the traces of the last 24 hours as LangSmith runs or OTLP/JSON (to stdout, or --output FILE)')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Content policy (none | metadata_only | full) and budget per project; `settings set` changes the policy')
            [CompletionResult]::new('prices', 'prices', [CompletionResultType]::ParameterValue, 'Price overrides, or what MODEL costs and which rule matched; `prices set` / `prices unset`')
            break
        }
        'bloop;help;llm;overview' {
            break
        }
        'bloop;help;llm;usage' {
            break
        }
        'bloop;help;llm;models' {
            break
        }
        'bloop;help;llm;latency' {
            break
        }
        'bloop;help;llm;tools' {
            break
        }
        'bloop;help;llm;prompts' {
            break
        }
        'bloop;help;llm;compare' {
            break
        }
        'bloop;help;llm;budget' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a project''s monthly budget in USD (`none` clears it)')
            break
        }
        'bloop;help;llm;budget;set' {
            break
        }
        'bloop;help;llm;traces' {
            break
        }
        'bloop;help;llm;trace' {
            break
        }
        'bloop;help;llm;search' {
            break
        }
        'bloop;help;llm;sessions' {
            break
        }
        'bloop;help;llm;session' {
            break
        }
        'bloop;help;llm;score' {
            break
        }
        'bloop;help;llm;feedback' {
            break
        }
        'bloop;help;llm;export' {
            break
        }
        'bloop;help;llm;settings' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a project''s content policy (applies to traces written from now on) and whether its failed LLM calls are also filed as error issues')
            break
        }
        'bloop;help;llm;settings;set' {
            break
        }
        'bloop;help;llm;prices' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a price override in USD per million tokens (global without --project)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a price override (global without --project)')
            break
        }
        'bloop;help;llm;prices;set' {
            break
        }
        'bloop;help;llm;prices;unset' {
            break
        }
        'bloop;help;analytics' {
            [CompletionResult]::new('spikes', 'spikes', [CompletionResultType]::ParameterValue, 'Issues spiking now: this hour and the last against the hours before (z-score)')
            [CompletionResult]::new('movers', 'movers', [CompletionResultType]::ParameterValue, 'Issues that changed most against the window before (new ones flagged)')
            [CompletionResult]::new('correlations', 'correlations', [CompletionResultType]::ParameterValue, 'Issues that move together (hourly counts correlated, r ≥ 0.7): pairs and clusters')
            [CompletionResult]::new('releases', 'releases', [CompletionResultType]::ParameterValue, 'Releases, newest version first: what each brought and how it compares')
            [CompletionResult]::new('environments', 'environments', [CompletionResultType]::ParameterValue, 'Environments: events, share, issues, percentiles of hourly counts')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Times every insight on DuckDB and on the same rows in SQLite, over the local database (as of its newest hour), and checks both give the same answers')
            break
        }
        'bloop;help;analytics;spikes' {
            break
        }
        'bloop;help;analytics;movers' {
            break
        }
        'bloop;help;analytics;correlations' {
            break
        }
        'bloop;help;analytics;releases' {
            break
        }
        'bloop;help;analytics;environments' {
            break
        }
        'bloop;help;analytics;compare' {
            break
        }
        'bloop;help;alerts' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List alert rules')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a rule: --type new_issue|regression|threshold|spike, or over LLM calls llm_cost_spike|llm_cost_threshold|llm_error_rate|llm_latency|llm_budget, with channels')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a rule: only the options given change (config options merge into the rule''s config unless --type names another type; channel options replace every channel)')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn a rule on')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn a rule off')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a rule')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a test alert through the rule''s channels and report each outcome')
            break
        }
        'bloop;help;alerts;list' {
            break
        }
        'bloop;help;alerts;create' {
            break
        }
        'bloop;help;alerts;edit' {
            break
        }
        'bloop;help;alerts;enable' {
            break
        }
        'bloop;help;alerts;disable' {
            break
        }
        'bloop;help;alerts;delete' {
            break
        }
        'bloop;help;alerts;test' {
            break
        }
        'bloop;help;health' {
            break
        }
        'bloop;help;doctor' {
            break
        }
        'bloop;help;backup' {
            break
        }
        'bloop;help;migrate-to-postgres' {
            break
        }
        'bloop;help;completions' {
            break
        }
        'bloop;help;man' {
            break
        }
        'bloop;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
