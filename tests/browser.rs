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

/// How each page of one folder fits a frame `width` pixels wide, as a page of its own
/// holding them all in frames measures them once all have loaded: the width of its content, of the frame,
/// and how many pixels its widest table box hides to the side. Reading a file's
/// frame needs --allow-file-access-from-files; the console must stay clean.
fn widths_in_frames(browser: &Path, profile: &Path, pages: &[PathBuf], width: u32) -> Vec<Fit> {
    let dir = pages[0].parent().unwrap();
    let frames: String = pages
        .iter()
        .map(|page| {
            let name = page.file_name().unwrap().to_str().unwrap();
            assert_eq!(page.parent(), Some(dir), "{name} is in the folder");
            format!(
                "<iframe style=\"width:{width}px;height:640px;border:0\" src=\"{name}\"></iframe>\n"
            )
        })
        .collect();
    let holder = dir.join("frames.holder.html");
    std::fs::write(
        &holder,
        format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{frames}\
             <script>window.onload = function () {{\n\
             document.querySelectorAll(\"iframe\").forEach(function (frame) {{\n\
             var root = frame.contentDocument.documentElement, hidden = 0;\n\
             frame.contentDocument.querySelectorAll(\".wide\").forEach(function (box) {{\n\
             hidden = Math.max(hidden, box.scrollWidth - box.clientWidth); }});\n\
             frame.setAttribute(\"data-fit\", root.scrollWidth + \" \" + root.clientWidth + \" \" + hidden);\n\
             }}); }};</script>\n</body></html>\n"
        ),
    )
    .unwrap();
    let (dom, log) = run(
        browser,
        profile,
        &holder,
        &[
            "--allow-file-access-from-files",
            "--virtual-time-budget=20000",
            "--dump-dom",
        ],
    );
    assert!(console(&log).is_empty(), "{:#?}", console(&log));
    let fits: Vec<Fit> = dom
        .split("data-fit=\"")
        .skip(1)
        .map(|rest| {
            let numbers: Vec<u32> = rest
                .split('"')
                .next()
                .unwrap()
                .split(' ')
                .map(|w| w.parse().unwrap())
                .collect();
            Fit {
                content: numbers[0],
                frame: numbers[1],
                hidden: numbers[2],
            }
        })
        .collect();
    assert_eq!(fits.len(), pages.len(), "every page was measured: {dom}");
    fits
}

/// How a page fits its frame, in pixels.
#[derive(Debug)]
struct Fit {
    /// The width of its content.
    content: u32,
    /// The width of the frame, less its scroll bar.
    frame: u32,
    /// How much its widest table box hides to the side, to be scrolled to.
    hidden: u32,
}

#[test]
fn statements_and_their_index_pages_fit_a_phone_with_nothing_hidden() {
    let Some(browser) = chromium() else {
        skip_unless_required(
            "tests/browser.rs (HTML statements at a phone's width)",
            "install Chromium (apt-get install chromium) or point KPI_CHROMIUM at a Chrome",
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("kpi-browser-fit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let runs: [(&str, &str, &str, &[&str]); 4] = [
        (
            "agent_monthly",
            "tests/scenarios/agent_monthly/metrics.csv",
            "zh",
            &[],
        ),
        (
            "team_monthly",
            "tests/scenarios/team_monthly/members.csv",
            "en",
            &[],
        ),
        (
            "feel_daily",
            "tests/scenarios/feel_daily/daily.csv",
            "zh",
            &["--period", "2026-11"],
        ),
        (
            "mtd_warning",
            "tests/scenarios/mtd_warning/mtd.csv",
            "en",
            &["--as-of", "2026-11-15"],
        ),
    ];
    for (ruleset, data, lang, options) in runs {
        let folder = dir.join(ruleset);
        let rules = format!("rulesets/{ruleset}.kpi");
        let mut args = vec!["explain", &rules, data, "--all", "--format", "html"];
        args.extend(["--lang", lang, "-o", folder.to_str().unwrap()]);
        args.extend(options);
        let out = common::kpi(&args);
        assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
        let mut pages: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        pages.sort();
        let fits = widths_in_frames(&browser, &folder.join("profile"), &pages, 360);
        for (page, fit) in pages.iter().zip(fits) {
            assert!(
                fit.frame > 300 && fit.content <= fit.frame && fit.hidden == 0,
                "{} at 360 pixels: {fit:?}",
                page.display()
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
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
        let fit = &widths_in_frames(&browser, &profile, std::slice::from_ref(&page), 360)[0];
        let (content, frame) = (fit.content, fit.frame);
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
