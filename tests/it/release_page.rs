//! The release page: a release next to the previous one, events over time from the writer's
//! per-release hours, the issues new in it (each issue in exactly one release), regressions in
//! it, and the issues resolved in it.

use std::time::Duration;

use bloop::store::users::Role;
use serde_json::json;

use crate::common::*;

const WAIT: Duration = Duration::from_secs(10);

#[test]
fn a_release_page_compares_and_lists_new_regressed_and_resolved_issues() {
    let s = TestServer::start();
    let http = Http::new();
    let now_s = bloop::store::now_ms() / 1000;
    let mut sent = 0;
    let mut send = |ty: &str, release: &str, ago_s: i64| {
        let body = json!({"timestamp": now_s - ago_s, "source": "api", "environment": "prod",
            "release": release, "error_type": ty, "message": format!("{ty} failed")})
        .to_string();
        assert_eq!(
            http.post_signed(&format!("{}/v1/ingest", s.url), &body)
                .status,
            200
        );
        sent += 1;
        s.wait_count("SELECT count(*) FROM events", sent, WAIT);
    };
    // A: new in 1.0.0, seen again in 1.1.0. B: new in 1.1.0. C: new in 1.0.0, fixed in 1.1.0,
    // back with a 1.2.0 event.
    send("Alpha", "1.0.0", 7200);
    send("Gamma", "1.0.0", 7000);
    send("Alpha", "1.1.0", 3600);
    send("Beta", "1.1.0", 3500);
    send("Beta", "1.1.0", 3400);
    let token = api_token(&s.db_path, &[bloop::store::tokens::Scope::ErrorsWrite]);
    let gamma: String = s
        .db()
        .query_row(
            "SELECT fingerprint FROM issues WHERE error_type = 'Gamma'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let r = http.send(
        http.client()
            .post(format!("{}/v1/errors/{gamma}/resolve", s.url))
            .bearer_auth(&token)
            .json(&json!({"release": "1.1.0"})),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    send("Gamma", "1.2.0", 60);

    let cookie = user_session(&s.db_path, "vera", Role::Viewer);
    let get = |path: &str| {
        let r = http.send(
            http.client()
                .get(format!("{}{path}", s.url))
                .header("cookie", &cookie),
        );
        (r.status, r.body.as_str().unwrap_or_default().to_string())
    };
    let (status, list) = get("/releases");
    assert_eq!(status, 200);
    assert!(list.contains(r#"href="/releases/1.1.0""#), "{list}");

    let (status, html) = get("/releases/1.1.0");
    assert_eq!(status, 200, "{html}");
    let part = |id: &str| -> String {
        let at = html
            .find(&format!(r#"id="{id}""#))
            .unwrap_or_else(|| panic!("no #{id}: {html}"));
        let rest = &html[at..];
        rest[..rest.find("</section>").unwrap_or(rest.len())].to_string()
    };
    // Compared with 1.0.0: events 3 vs 2, issues 2 vs 2, new issues 1 vs 2.
    let cmp = part("release-compare");
    assert!(
        cmp.contains(r#"<a href="/releases/1.0.0">1.0.0</a>"#),
        "{cmp}"
    );
    assert!(cmp.contains(r#"<tr><th>Events</th><td class="num">3</td><td class="num">2</td><td class="num">+50%</td></tr>"#), "{cmp}");
    assert!(cmp.contains(r#"<tr><th>New issues</th><td class="num">1</td><td class="num">2</td><td class="num">−50%</td></tr>"#), "{cmp}");
    // Events over time: the release's three events, the previous release's two.
    let trend = part("release-trend");
    assert!(trend.contains("<title>3 events, 7 days</title>"), "{trend}");
    assert!(trend.contains("<title>2 events, 7 days</title>"), "{trend}");
    // New in 1.1.0: Beta only (Alpha was new in 1.0.0). Resolved in 1.1.0: Gamma.
    let new = part("release-new");
    assert!(new.contains("Beta") && !new.contains("Alpha"), "{new}");
    let resolved = part("release-resolved");
    assert!(resolved.contains("Gamma"), "{resolved}");
    assert!(part("release-regressions").contains("None."));

    // Scoped to the project (its placeholders after the release's): the same lists; another
    // project has no such release.
    let (status, scoped) = get("/releases/1.1.0?project=default");
    assert_eq!(status, 200);
    let at = scoped.find(r#"id="release-new""#).unwrap();
    assert!(
        scoped[at..]
            .split("</section>")
            .next()
            .unwrap()
            .contains("Beta"),
        "{scoped}"
    );
    bloop::store::projects::create_with_key(&mut s.db(), "Other", None).unwrap();
    assert_eq!(get("/releases/1.1.0?project=other").0, 404);

    // 1.2.0 brought Gamma back.
    let (_, html) = get("/releases/1.2.0");
    let at = html.find(r#"id="release-regressions""#).unwrap();
    assert!(
        html[at..]
            .split("</section>")
            .next()
            .unwrap()
            .contains("Gamma"),
        "{html}"
    );
    let (_, html) = get("/releases/1.0.0");
    let at = html.find(r#"id="release-new""#).unwrap();
    let new = html[at..].split("</section>").next().unwrap();
    assert!(
        new.contains("Alpha") && new.contains("Gamma") && !new.contains("Beta"),
        "{new}"
    );
    // Unknown release: 404 page; release names are text.
    assert_eq!(get("/releases/9.9.9").0, 404);
    let (_, html) = get("/releases/%3Cscript%3E");
    assert!(!html.contains("<script>x"), "escaped");
}
