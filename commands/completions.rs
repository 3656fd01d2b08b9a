//! `bloop completions SHELL` and `bloop man DIR`: shell completions and man pages generated from
//! the clap definitions (the same ones `--help` renders), committed under `completions/` and
//! `man/` and checked for staleness by a test.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::Shell;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish.
    shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Directory to write bloop.1 and one page per subcommand into.
    dir: PathBuf,
}

pub fn completions(args: CompletionsArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let mut cmd = crate::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "bloop", out);
    Ok(())
}

/// Renders every man page: `bloop.1`, `bloop-serve.1`, `bloop-query-errors.1`, …
pub fn man_pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = crate::Cli::command();
    cmd.build();
    let mut pages = Vec::new();
    render(&cmd, "bloop", &mut pages)?;
    Ok(pages)
}

fn render(
    cmd: &clap::Command,
    name: &str,
    pages: &mut Vec<(String, Vec<u8>)>,
) -> anyhow::Result<()> {
    let cmd = cmd.clone().name(name.to_string());
    let mut buf = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone())
        .title(name.to_uppercase())
        .source(concat!("bloop ", env!("CARGO_PKG_VERSION")));
    man.render(&mut buf)?;
    let examples = crate::examples(name);
    if !examples.is_empty() {
        buf.extend_from_slice(b".SH EXAMPLES\n");
        for (what, how) in examples {
            buf.extend_from_slice(format!(".TP\n{}\n.B {}\n", roff(what), roff(how)).as_bytes());
        }
    }
    pages.push((format!("{name}.1"), buf));
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        render(sub, &format!("{name}-{}", sub.get_name()), pages)?;
    }
    Ok(())
}

fn roff(s: &str) -> String {
    s.replace('\\', "\\\\").replace('-', "\\-")
}

pub fn man(args: ManArgs, out: &mut impl Write) -> anyhow::Result<()> {
    write_man(&args.dir)?;
    writeln!(out, "wrote man pages to {}", args.dir.display())?;
    Ok(())
}

pub fn write_man(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, bytes) in man_pages()? {
        std::fs::write(dir.join(&name), bytes).with_context(|| format!("cannot write {name}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `completions/` and `man/` must match what this binary generates; `BLOOP_BLESS=1` rewrites them.
    #[test]
    fn generated_completions_and_man_pages_are_current() {
        // The committed files describe the default build (`bloop llm` included).
        if !cfg!(feature = "llm-tracing") {
            return;
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let bless = std::env::var_os("BLOOP_BLESS").is_some();
        let mut stale = Vec::new();
        let mut check = |path: PathBuf, want: Vec<u8>| {
            let have = std::fs::read(&path).unwrap_or_default();
            if have != want {
                if bless {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, &want).unwrap();
                } else {
                    stale.push(path.display().to_string());
                }
            }
        };
        for (shell, file) in [
            (Shell::Bash, "bloop.bash"),
            (Shell::Zsh, "_bloop"),
            (Shell::Fish, "bloop.fish"),
            (Shell::PowerShell, "_bloop.ps1"),
            (Shell::Elvish, "bloop.elv"),
        ] {
            let mut buf = Vec::new();
            completions(CompletionsArgs { shell }, &mut buf).unwrap();
            check(root.join("completions").join(file), buf);
        }
        let pages = man_pages().unwrap();
        let names: Vec<String> = pages.iter().map(|(n, _)| n.clone()).collect();
        for (name, bytes) in pages {
            check(root.join("man").join(name), bytes);
        }
        // No leftover page for a command that no longer exists.
        for entry in std::fs::read_dir(root.join("man")).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            if !names.contains(&name) {
                if bless {
                    std::fs::remove_file(root.join("man").join(&name)).unwrap();
                } else {
                    stale.push(format!("man/{name} (no such command)"));
                }
            }
        }
        assert!(
            stale.is_empty(),
            "stale generated files (run `BLOOP_BLESS=1 cargo test generated`): {stale:?}"
        );
    }
}
