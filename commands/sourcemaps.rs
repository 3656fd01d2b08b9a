//! `bloop sourcemaps`: upload JavaScript bundles' source maps for a release (files or
//! directories, paired by sourceMappingURL or name, debug IDs read), list and delete them.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use bloop::sourcemap::upload::{self, File};

use crate::common::{self, ago, inert, print_json, Remote};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// Upload bundles (.js, .mjs, .cjs) with their .map files, or directories of them.
    Upload {
        #[arg(long)]
        project: String,
        /// The release the bundles were built for (as the SDK's `release`); omit for bundles
        /// with debug IDs.
        #[arg(long, default_value = "")]
        release: String,
        /// Prefix of the names, as stack frames show the files: `~` matches any host
        /// (`~/static/js` for https://example.com/static/js/app.js).
        #[arg(long, default_value = "~")]
        url_prefix: String,
        /// Files or directories (searched recursively, node_modules skipped).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List a project's source maps.
    List {
        #[arg(long)]
        project: String,
        #[arg(long)]
        release: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Delete one source map by id, or every map of a release.
    Delete {
        #[arg(long)]
        project: String,
        /// The map's id (from `bloop sourcemaps list`).
        #[arg(required_unless_present = "release", conflicts_with = "release")]
        id: Option<i64>,
        /// Every map of this release ("" for those uploaded without one).
        #[arg(long)]
        release: Option<String>,
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// The bundles and maps under `paths`, each with its path relative to what was named.
fn collect(paths: &[PathBuf]) -> anyhow::Result<Vec<File>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<File>) -> anyhow::Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let ft = e.file_type()?;
            if ft.is_dir() {
                if e.file_name() != "node_modules"
                    && !e.file_name().to_string_lossy().starts_with('.')
                {
                    walk(root, &p, out)?;
                }
            } else if ft.is_file() {
                let rel = p
                    .strip_prefix(root)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                if upload::is_bundle(&rel) || upload::is_map(&rel) {
                    let bytes =
                        std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
                    out.push(File { path: rel, bytes });
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("{}", p.display()))?;
        if meta.is_dir() {
            walk(p, p, &mut out)?;
        } else {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if !(upload::is_bundle(&name) || upload::is_map(&name)) {
                bail!(
                    "{}: only .js, .mjs, .cjs and .map files are uploaded",
                    p.display()
                );
            }
            let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
            out.push(File { path: name, bytes });
        }
    }
    Ok(out)
}

fn size(n: i64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / f64::from(1 << 20)),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

pub fn run(config: &bloop::Config, args: Args, out: &mut impl Write) -> anyhow::Result<()> {
    let mut target = args.remote.target(config)?;
    match args.command {
        Cmd::Upload {
            project,
            release,
            url_prefix,
            paths,
            json,
        } => {
            let files = collect(&paths)?;
            // Paired here first: a broken map fails before anything is sent, and each bundle
            // goes with its own map (one request each, for the progress bar).
            let paired = upload::pair(files.clone(), &url_prefix)?;
            if paired.uploads.is_empty() {
                bail!(
                    "no source maps found in {} (bundles without a map: {})",
                    paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    paired.without_map.len()
                );
            }
            let mut by_path: HashMap<String, File> =
                files.into_iter().map(|f| (f.path.clone(), f)).collect();
            let total: u64 = paired.uploads.iter().map(|u| u.map.len() as u64).sum();
            let bar = std::io::stderr().is_terminal().then(|| {
                let b = indicatif::ProgressBar::new(total);
                if let Ok(style) =
                    indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
                {
                    b.set_style(style);
                }
                b
            });
            let mut stored = Vec::new();
            for u in &paired.uploads {
                if let Some(b) = &bar {
                    b.set_message(inert(&u.name));
                }
                let group: Vec<File> = [u.bundle_path.as_deref(), Some(u.map_path.as_str())]
                    .into_iter()
                    .flatten()
                    .filter_map(|p| by_path.remove(p))
                    .collect();
                let done = target
                    .sourcemaps_upload(&project, &release, &url_prefix, group)
                    .with_context(|| format!("uploading {}", u.map_path))?;
                stored.extend(done.stored);
                if let Some(b) = &bar {
                    b.inc(u.map.len() as u64);
                }
            }
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            if json {
                return print_json(
                    out,
                    &serde_json::json!({"stored": stored, "without_map": paired.without_map}),
                );
            }
            let mut t = common::table(&["id", "name", "debug id", "size", "mappings"]);
            for s in &stored {
                t.add_row(vec![
                    s.id.to_string(),
                    s.name.clone(),
                    s.debug_id.clone().unwrap_or_else(|| "-".into()),
                    size(s.size),
                    s.mappings.to_string(),
                ]);
            }
            writeln!(out, "{t}")?;
            let rel = if release.is_empty() {
                "no release (debug IDs, or any release)".to_string()
            } else {
                format!("release {}", inert(&release))
            };
            writeln!(
                out,
                "{} source map{} stored for project {}, {rel}.",
                stored.len(),
                if stored.len() == 1 { "" } else { "s" },
                inert(&project)
            )?;
            if !paired.without_map.is_empty() {
                writeln!(
                    out,
                    "{} bundle{} without a map (not uploaded): {}",
                    paired.without_map.len(),
                    if paired.without_map.len() == 1 {
                        ""
                    } else {
                        "s"
                    },
                    inert(&paired.without_map.join(", "))
                )?;
            }
        }
        Cmd::List {
            project,
            release,
            json,
        } => {
            let rows = target.sourcemaps_list(&project, release.as_deref())?;
            if json {
                return print_json(out, &rows);
            }
            if rows.is_empty() {
                writeln!(out, "No source maps for project {}.", inert(&project))?;
                return Ok(());
            }
            let mut t = common::table(&["id", "release", "name", "debug id", "size", "uploaded"]);
            for s in &rows {
                t.add_row(vec![
                    s.id.to_string(),
                    if s.release.is_empty() {
                        "-".into()
                    } else {
                        s.release.clone()
                    },
                    s.name.clone(),
                    s.debug_id.clone().unwrap_or_else(|| "-".into()),
                    size(s.size),
                    ago(s.created_at),
                ]);
            }
            writeln!(out, "{t}")?;
        }
        Cmd::Delete {
            project,
            id,
            release,
            json,
        } => {
            let d = target.sourcemaps_delete(&project, id, release.as_deref())?;
            if json {
                return print_json(out, &d);
            }
            for s in &d.deleted {
                writeln!(out, "deleted {} {}", s.id, inert(&s.name))?;
            }
        }
    }
    Ok(())
}
