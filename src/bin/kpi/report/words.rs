//! The bilingual words of a report, one list for the workbook and the page.

/// A label in Chinese and English.
#[derive(Clone, Copy)]
pub struct Words {
    /// In Chinese.
    pub zh: &'static str,
    /// In English.
    pub en: &'static str,
}

impl Words {
    /// As a heading or a column's name: `汇总 / Summary`.
    pub fn label(self) -> String {
        format!("{} / {}", self.zh, self.en)
    }

    /// As the name of a sheet, which may not hold a `/`: `汇总 Summary`.
    pub fn sheet(self) -> String {
        format!("{} {}", self.zh, self.en)
    }
}

/// The records scored, one row each.
pub const RESULTS: Words = Words {
    zh: "结果",
    en: "Results",
};
/// The head count and the totals.
pub const SUMMARY: Words = Words {
    zh: "汇总",
    en: "Summary",
};
/// The payout's histogram.
pub const DISTRIBUTION: Words = Words {
    zh: "分布",
    en: "Distribution",
};
/// The records that could not be read or scored.
pub const NOT_SCORED: Words = Words {
    zh: "未计分",
    en: "Not scored",
};
/// How many records were scored.
pub const RECORDS_SCORED: Words = Words {
    zh: "记录",
    en: "Records scored",
};
/// The totals of every numeric output.
pub const TOTAL: Words = Words {
    zh: "合计",
    en: "Total",
};
/// How many records a group holds.
pub const RECORDS: Words = Words {
    zh: "记录",
    en: "Records",
};
/// How many records a bar counts.
pub const HEAD_COUNT: Words = Words {
    zh: "人数",
    en: "Records",
};
/// The amounts a bar counts.
pub const RANGE: Words = Words {
    zh: "区间",
    en: "Range",
};
/// The chart of how many records have each grade.
pub const GRADE_DISTRIBUTION: Words = Words {
    zh: "等级分布",
    en: "Grade distribution",
};
/// A record's key.
pub const RECORD: Words = Words {
    zh: "记录",
    en: "Record",
};
/// Why a record has no outputs.
pub const WHY: Words = Words {
    zh: "原因",
    en: "Why",
};
/// A bar's upper bound.
pub const TO: Words = Words {
    zh: "至", en: "to"
};

/// What the page is.
pub const REPORT: Words = Words {
    zh: "报告",
    en: "Report",
};
/// The rule file's version.
pub const VERSION: Words = Words {
    zh: "版本",
    en: "Version",
};
/// The data file scored.
pub const DATA: Words = Words {
    zh: "数据",
    en: "Data",
};
/// An empty list.
pub const NONE: Words = Words {
    zh: "无",
    en: "None",
};

/// What a report says when no record has a money output.
pub const NO_HISTOGRAM: &str = "no money output to chart";

/// The heading of a grouping by `name`: `按 team / By team`.
pub fn by(name: &str) -> String {
    format!("按 {name} / By {name}")
}

/// The title of the histogram of the output `name`.
pub fn histogram(name: &str) -> String {
    format!("{name} 分布 / Histogram")
}

/// The heading of the lower bounds of the histogram of the output `name`.
pub fn from(name: &str) -> String {
    format!("{name} 自 / from")
}
