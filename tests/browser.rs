//! The HTML statements and report in a real browser: headless Chromium renders them,
//! prints them, and reports no console message. The page forbids every fetch in its Content Security
//! Policy, and the browser reports any attempt as a console message, so a clean
//! console also means nothing was fetched.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use kpi::explain::{Format, Lang};
use kpi::{Ruleset, SourceFile};

/// The browser: `KPI_CHROMIUM`, or the first Chromium on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KPI_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let names = ["chromium", "chromium-browser", "google-chrome"];
    std::env::split_paths(&std::env::var_os("PATH")?)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// A suite that needs something the machine lacks is skipped with one line on stderr,
/// unless `KPI_REQUIRE_ALL_SUITES` is set (as CI sets it): then the skip is a failure, so
/// a run can never pass without the suite.
fn skip_unless_required(suite: &str, how_to_enable: &str) {
    let line = format!("skipped {suite}: {how_to_enable} to run it");
    if std::env::var_os("KPI_REQUIRE_ALL_SUITES").is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("{line} (KPI_REQUIRE_ALL_SUITES is set, so no suite may be skipped)");
    }
    // Written to stderr itself: the test harness captures `eprintln!` of a passing test.
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Runs the browser headless on `page` with `actions` (such as `--dump-dom`), and
/// returns its standard output and standard error.
fn run(browser: &Path, profile: &Path, page: &Path, actions: &[&str]) -> (String, String) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(actions)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("the browser starts");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn statements_render_and_print_in_chromium_with_a_clean_console() {
    let Some(browser) = chromium() else {
        skip_unless_required(
            "tests/browser.rs (HTML statements in Chromium)",
            "install Chromium (apt-get install chromium) or point KPI_CHROMIUM at a Chrome",
        );
        return;
    };
    let path = "rulesets/agent_monthly.kpi";
    let ruleset = Ruleset::compile_source(SourceFile::new(
        path,
        std::fs::read_to_string(path).unwrap(),
    ))
    .unwrap();
    let metrics = std::fs::File::open("tests/scenarios/agent_monthly/metrics.csv").unwrap();
    let dir = std::env::temp_dir().join(format!("kpi-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let wanted = ["E04", "E05", "E06"];
    for record in ruleset.read_csv(metrics).unwrap() {
        let record = record.unwrap();
        if !wanted.contains(&record.key()) {
            continue;
        }
        let (outcome, explanation) = ruleset.explain(&record).unwrap();
        for lang in [Lang::Zh, Lang::En] {
            let html = explanation.render(Format::Html, lang);
            for outside in [
                "<script", "<link", "src=", "href=", "url(", "@import", "://",
            ] {
                assert!(!html.contains(outside), "the page refers to {outside}");
            }
            let page = dir.join(format!("{}-{}.html", record.key(), lang.code()));
            std::fs::write(&page, &html).unwrap();

            let (dom, log) = run(&browser, &dir.join("profile"), &page, &["--dump-dom"]);
            let payout = outcome.get("payout").unwrap().to_string();
            assert!(dom.contains(&format!("<dd>{payout}</dd>")), "{dom}");
            assert!(dom.contains("<h1>"), "{dom}");
            let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
            assert!(console.is_empty(), "{}: {console:#?}", page.display());

            let pdf = dir.join(format!("{}-{}.pdf", record.key(), lang.code()));
            run(
                &browser,
                &dir.join("profile"),
                &page,
                &[&format!("--print-to-pdf={}", pdf.display())],
            );
            let printed = std::fs::read(&pdf).unwrap();
            assert!(printed.starts_with(b"%PDF"), "{} is a PDF", pdf.display());
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The console messages in the browser's log.
fn console(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// How wide the content of `page` is, and the frame it is shown in, when a page of
/// its own holds it in a frame `width` pixels wide. Reading a file's frame needs
/// --allow-file-access-from-files; the console must stay clean.
fn widths_in_a_frame(browser: &Path, profile: &Path, page: &Path, width: u32) -> (u32, u32) {
    let name = page.file_name().unwrap().to_str().unwrap();
    let holder = page.with_file_name(format!("{name}.frame.html"));
    std::fs::write(
        &holder,
        format!(
            "<!DOCTYPE html>\n<html><body>\n\
             <iframe id=\"page\" style=\"width:{width}px;height:640px;border:0\" src=\"{name}\"></iframe>\n\
             <script>document.getElementById(\"page\").onload = function () {{\n\
             var root = this.contentDocument.documentElement;\n\
             document.body.setAttribute(\"data-widths\", root.scrollWidth + \" \" + root.clientWidth);\n\
             }};</script>\n</body></html>\n"
        ),
    )
    .unwrap();
    let (dom, log) = run(
        browser,
        profile,
        &holder,
        &[
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ],
    );
    assert!(console(&log).is_empty(), "{:#?}", console(&log));
    let widths: Vec<u32> = dom
        .split("data-widths=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("{name} was not measured: {dom}"))
        .split('"')
        .next()
        .unwrap()
        .split(' ')
        .map(|w| w.parse().unwrap())
        .collect();
    (widths[0], widths[1])
}

#[test]
fn reports_render_print_and_fit_a_phone_with_a_clean_console() {
    let Some(browser) = chromium() else {
        skip_unless_required(
            "tests/browser.rs (the HTML report in Chromium)",
            "install Chromium (apt-get install chromium) or point KPI_CHROMIUM at a Chrome",
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("kpi-browser-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let profile = dir.join("profile");
    // A record that cannot be read, listed on the page; and tables by team of six
    // columns, wider than a phone.
    let runs: [(&str, &[&str], &str); 2] = [
        (
            "agent.html",
            &[
                "rulesets/agent_monthly.kpi",
                "tests/fixtures/data/agent_monthly_one_bad_cell.csv",
            ],
            "<td>E03</td>",
        ),
        (
            "teams.html",
            &[
                "rulesets/forced_distribution.kpi",
                "tests/scenarios/forced_distribution/scores.csv",
                "--by",
                "team",
            ],
            "<th scope=\"row\">班组10</th>",
        ),
    ];
    for (name, args, shown) in runs {
        let page = dir.join(name);
        let mut command = vec!["report"];
        command.extend(args);
        command.extend(["-o", page.to_str().unwrap()]);
        let out = common::kpi(&command);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            common::text(&out.stderr)
        );

        let (dom, log) = run(&browser, &profile, &page, &["--dump-dom"]);
        assert_eq!(dom.matches("<svg").count(), 2, "{dom}");
        assert!(dom.contains(shown), "{dom}");
        assert!(console(&log).is_empty(), "{name}: {:#?}", console(&log));
        let pdf = page.with_extension("pdf");
        run(
            &browser,
            &profile,
            &page,
            &[&format!("--print-to-pdf={}", pdf.display())],
        );
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));

        // At a phone's width only the tables scroll sideways, each in its own box,
        // never the page.
        let (content, frame) = widths_in_a_frame(&browser, &profile, &page, 360);
        assert!(
            frame > 300 && frame <= 360,
            "the frame is {frame} pixels wide"
        );
        assert!(
            content <= frame,
            "{name} is {content} pixels wide in a frame of {frame}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
