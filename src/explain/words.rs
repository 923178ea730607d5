//! The fixed wording of explanations, in Chinese and English. Labels and reasons come
//! from the rule file; only these sentences are the engine's own.

use super::model::{LimitKind, StepKind};

/// The language an explanation is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Chinese.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The part of a bilingual label (`"接通率 / Answer rate"`) in this language: the
    /// part with Chinese characters for Chinese, the part without for English. A label
    /// in one language only is shown as written.
    pub fn label(self, label: &str) -> String {
        let parts: Vec<&str> = label.split(" / ").map(str::trim).collect();
        let chinese = |s: &str| s.chars().any(|c| ('\u{2E80}'..='\u{9FFF}').contains(&c));
        let found = match self {
            Lang::Zh => parts.iter().find(|p| chinese(p)),
            Lang::En => parts.iter().find(|p| !chinese(p)),
        };
        match (parts.len(), found) {
            (2.., Some(part)) => (*part).to_string(),
            _ => label.to_string(),
        }
    }

    /// A value as a statement in this language shows it: true and false are 是 and 否
    /// in Chinese; every other value as it is.
    pub fn yes_no(self, value: &str) -> &str {
        match (self, value) {
            (Lang::Zh, "true") => "是",
            (Lang::Zh, "false") => "否",
            _ => value,
        }
    }

    /// The HTML `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Heading words and field names.
    pub fn word(self, word: Word) -> &'static str {
        match word {
            Word::Record => self.pick("记录", "Record"),
            Word::Version => self.pick("版本", "version"),
            Word::Ruleset => self.pick("规则", "Ruleset"),
            Word::Result => self.pick("结果", "Result"),
            Word::Inputs => self.pick("输入", "Inputs"),
            Word::Steps => self.pick("计算过程", "How each value arose"),
            Word::Outputs => self.pick("输出", "Outputs"),
            Word::Formula => self.pick("公式", "Formula"),
            Word::Working => self.pick("代入", "With numbers"),
            Word::LookedUp => self.pick("对照", "Looked up"),
            Word::Value => self.pick("结果", "Value"),
            Word::Counted => self.pick("计入", "Counted"),
            Word::Given => self.pick("取值", "Value"),
            Word::Comma => self.pick("，", ", "),
            Word::Next => self.pick("下一档", "Next row"),
            Word::Name => self.pick("名称", "Name"),
            Word::Row => self.pick("档位", "Row"),
            Word::Outcome => self.pick("判定", "Outcome"),
            Word::RulesetPrint => self.pick("规则指纹", "Ruleset fingerprint"),
            Word::RecordPrint => self.pick("记录指纹", "Record fingerprint"),
            Word::PopulationPrint => self.pick("同算记录指纹", "Records scored with"),
            Word::Engine => self.pick("引擎", "Engine"),
            Word::Before => self.pick("原值", "Before"),
            Word::After => self.pick("新值", "After"),
            Word::Difference => self.pick("差额", "Difference"),
            Word::Changed => self.pick("变化", "Changed"),
            Word::Appeal => self.pick("申诉复核", "Appeal review"),
            Word::Corrected => self.pick("更正的输入", "Corrected inputs"),
            Word::Comparison => self.pick("逐项对比", "Item by item"),
            Word::OthersChanged => self.pick("因此变化的其他成员", "Others whose outputs changed"),
            Word::NoChange => self.pick("无变化", "no change"),
            Word::Warnings => self.pick("预警", "Warnings"),
            Word::Month => self.pick("月份", "Month"),
            Word::Rows => self.pick("日明细", "Daily rows"),
            Word::Item => self.pick("项目", "Item"),
            Word::Weight => self.pick("权重", "Weight"),
            Word::Contribution => self.pick("贡献", "Contribution"),
            Word::Items => self.pick("各项得分", "Items"),
            Word::Standings => self.pick("各档位置", "Where you stand"),
            Word::References => self.pick("核对信息", "For checking"),
            Word::Team => self.pick("班组", "Team"),
            Word::HeadCount => self.pick("人数", "Records"),
            Word::Total => self.pick("合计", "total"),
            Word::NoTeam => self.pick("未分组", "In no team"),
            Word::OtherResults => self.pick("其他结果", "Other results"),
        }
    }

    /// What a step is.
    pub fn kind(self, kind: StepKind) -> &'static str {
        match kind {
            StepKind::Let => self.pick("中间值", "value"),
            StepKind::Score => self.pick("得分", "score"),
            StepKind::Bonus => self.pick("奖励", "bonus"),
            StepKind::Deduction => self.pick("扣分", "deduction"),
            StepKind::Grade => self.pick("等级", "grade"),
            StepKind::Aggregate => self.pick("汇总", "aggregate"),
            StepKind::Warning => self.pick("预警", "warning"),
            StepKind::Output => self.pick("输出", "output"),
        }
    }

    /// The month scored and the days of it: `2026-11, to 2026-11-15 (15 of 30 days, 15 left)`.
    pub fn month(
        self,
        month: &str,
        as_of: &str,
        elapsed: i64,
        days: i64,
        remaining: i64,
    ) -> String {
        match self {
            Lang::Zh => format!(
                "{month}，截至 {as_of}（已过 {elapsed} 天，共 {days} 天，剩余 {remaining} 天）"
            ),
            Lang::En => format!("{month}, to {as_of} ({elapsed} of {days} days, {remaining} left)"),
        }
    }

    /// `12 rows, 2026-11-01 – 2026-11-15`.
    pub fn rows(self, count: usize, from: &str, to: &str) -> String {
        match self {
            Lang::Zh => format!("{count} 行，{from} 至 {to}"),
            Lang::En => format!("{count} rows, {from} – {to}"),
        }
    }

    /// Where a month-to-date warning stands, in words.
    #[allow(clippy::too_many_arguments)]
    pub fn warning(
        self,
        status: &str,
        rate: &str,
        target: &str,
        daily: &str,
        projected: &str,
        remaining: i64,
        needed: Option<&str>,
    ) -> String {
        match (self, status, needed) {
            (Lang::Zh, "ok", _) => format!("正常：本月至今 {rate}，已达到目标 {target}"),
            (Lang::En, "ok", _) => format!("ok: {rate} so far, which meets the target of {target}"),
            (Lang::Zh, "at_risk", Some(k)) => format!(
                "有风险：本月至今 {rate}，低于目标 {target}。按日均 {daily} 估算，全月约 {projected}；剩余 {remaining} 天，每天需达到 {k} 才能达标（不超过日均 {daily}）"
            ),
            (Lang::En, "at_risk", Some(k)) => format!(
                "at risk: {rate} so far, below the target of {target}. At {daily} a day the month brings about {projected}; {k} a day over the {remaining} days left reaches the target (no more than the {daily} of an average day)"
            ),
            (Lang::Zh, _, _) => format!(
                "无法达标：本月至今 {rate}，低于目标 {target}。按日均 {daily} 估算，全月约 {projected}；剩余 {remaining} 天内即使每天达到日均 {daily} 也无法达标"
            ),
            (Lang::En, _, _) => format!(
                "cannot reach: {rate} so far, below the target of {target}. At {daily} a day the month brings about {projected}; even {daily} a day over the {remaining} days left does not reach the target"
            ),
        }
    }

    /// `line 23`.
    pub fn line(self, line: usize) -> String {
        match self {
            Lang::Zh => format!("第 {line} 行"),
            Lang::En => format!("line {line}"),
        }
    }

    /// A ratio whose denominator was zero.
    pub fn zero_denominator(self, used: &str) -> String {
        match self {
            Lang::Zh => format!("分母为 0，按 when zero 取 {used}"),
            Lang::En => format!("the denominator is 0, so `when zero` gives {used}"),
        }
    }

    /// A reduction over a group: `班组01：12 名成员中 12 名计入`.
    pub fn aggregate(self, group: &str, members: usize, counted: usize) -> String {
        match self {
            Lang::Zh => format!("{group}：{members} 名成员中 {counted} 名计入"),
            Lang::En => format!(
                "{group}: {counted} of {members} member{} counted",
                if members == 1 { "" } else { "s" }
            ),
        }
    }

    /// A place in an order.
    pub fn ranked(self, group: Option<&str>, place: usize, ranked: usize, keys: &str) -> String {
        match (self, group) {
            (Lang::Zh, Some(g)) => format!("在 {g} 的 {ranked} 名中排第 {place}（排序值 {keys}）"),
            (Lang::Zh, None) => format!("在参与排名的 {ranked} 名中排第 {place}（排序值 {keys}）"),
            (Lang::En, Some(g)) => format!("place {place} of {ranked} in {g} (ordered by {keys})"),
            (Lang::En, None) => format!("place {place} of {ranked} ranked (ordered by {keys})"),
        }
    }

    /// The neighbour just above (`above`) or below in an order.
    pub fn neighbour(self, above: bool, key: &str, keys: &str) -> String {
        match (self, above) {
            (Lang::Zh, true) => format!("前一名 {key}（{keys}）"),
            (Lang::Zh, false) => format!("后一名 {key}（{keys}）"),
            (Lang::En, true) => format!("just above: {key} ({keys})"),
            (Lang::En, false) => format!("just below: {key} ({keys})"),
        }
    }

    /// The tie-break that set a neighbour tied on the first key apart.
    pub fn decided_by(self, key: &str, by: &str) -> String {
        match self {
            Lang::Zh => format!("与 {key} 首要排序值相同，由 {by} 分先后"),
            Lang::En => format!("tied with {key} on the first key; {by} decided between them"),
        }
    }

    /// Members tied on every key, and the tie policy that ranked them.
    pub fn tied(self, others: &[String], policy: Option<&str>) -> String {
        let others = others.join(", ");
        match (self, policy) {
            (Lang::Zh, Some("dense")) => {
                format!("与 {others} 全部排序值相同，按 ties dense 并列（1, 2, 2, 3）")
            }
            (Lang::Zh, Some(_)) => {
                format!("与 {others} 全部排序值相同，按 ties shared 并列（1, 2, 2, 4）")
            }
            (Lang::Zh, None) => format!("与 {others} 全部排序值相同，取相同百分位"),
            (Lang::En, Some("dense")) => {
                format!("tied with {others} on every key: shared place, dense (1, 2, 2, 3)")
            }
            (Lang::En, Some(_)) => {
                format!("tied with {others} on every key: shared place (1, 2, 2, 4)")
            }
            (Lang::En, None) => format!("tied with {others} on every key: the same percentile"),
        }
    }

    /// Whether a member counted in a reduction.
    pub fn counted(self, counted: bool) -> &'static str {
        match (self, counted) {
            (Lang::Zh, true) => "计入",
            (Lang::Zh, false) => "未计入",
            (Lang::En, true) => "yes",
            (Lang::En, false) => "no",
        }
    }

    /// The records a value depended on and their fingerprint.
    pub fn population_print(self, records: usize, fingerprint: &str) -> String {
        match self {
            Lang::Zh => format!("{records} 条记录，{fingerprint}"),
            Lang::En => format!("{records} records, {fingerprint}"),
        }
    }

    /// A share of an amount, to the fen.
    pub fn shared(
        self,
        group: &str,
        amount: &str,
        sharing: usize,
        left_over: &str,
        extra: bool,
    ) -> String {
        match (self, extra) {
            (Lang::Zh, true) => format!(
                "{group} 的 {amount} 由 {sharing} 名成员分配，各取整到分后余 {left_over} 分，按 remainder 顺序每人 1 分，本人得到 1 分"
            ),
            (Lang::Zh, false) => format!(
                "{group} 的 {amount} 由 {sharing} 名成员分配，各取整到分后余 {left_over} 分，按 remainder 顺序每人 1 分，本人未排到"
            ),
            (Lang::En, true) => format!(
                "{amount} of {group} is shared by {sharing} members; {left_over} fen left after whole fens go one each in the remainder order, one of them to this record"
            ),
            (Lang::En, false) => format!(
                "{amount} of {group} is shared by {sharing} members; {left_over} fen left after whole fens go one each in the remainder order, none to this record"
            ),
        }
    }

    /// A record a rank's `where` leaves out.
    pub fn excluded(self) -> &'static str {
        self.pick(
            "不在排名范围内（where），按 when excluded 取值",
            "not ranked (left out by `where`), so `when excluded` gives the value",
        )
    }

    /// A forced distribution: the slots of each grade and the record's place.
    pub fn distributed(
        self,
        group: &str,
        place: usize,
        size: usize,
        slots: &[(String, usize)],
    ) -> String {
        let slots: Vec<String> = slots
            .iter()
            .map(|(grade, count)| match self {
                Lang::Zh => format!("{grade} {count} 名"),
                Lang::En => format!("{grade} {count}"),
            })
            .collect();
        match self {
            Lang::Zh => format!(
                "{group} 共 {size} 名，名额 {}；本人排第 {place}",
                slots.join("、")
            ),
            Lang::En => format!(
                "{group} has {size} members, slots {}; this record is place {place}",
                slots.join(", ")
            ),
        }
    }

    /// A small group graded on fixed bands instead.
    pub fn small_group(self, group: &str, size: usize) -> String {
        match self {
            Lang::Zh => format!("{group} 仅 {size} 名，不做强制分布，按固定分档评定"),
            Lang::En => format!(
                "{group} has only {size} members, so it is graded on the fixed bands, not by share"
            ),
        }
    }

    /// A tie at a boundary that gave the better grade.
    pub fn boundary_tie(self, slot_grade: &str, grade: &str) -> String {
        match self {
            Lang::Zh => format!(
                "本人名次落在 {slot_grade} 的名额内，但与上一档最后一名全部排序值相同，同取较好的 {grade}"
            ),
            Lang::En => format!(
                "this place is in the slots of {slot_grade}, but it ties the last member of the better grade on every key, so it shares {grade}"
            ),
        }
    }

    /// A matched row.
    pub fn matched(self) -> &'static str {
        self.pick("命中", "matched")
    }

    /// A row missed on a strict bound: what it needs, such as `> 95.00%`.
    pub fn needs(self, needs: &str) -> String {
        match self {
            Lang::Zh => format!("需 {needs}"),
            Lang::En => format!("needs {needs}"),
        }
    }

    /// A row missed by `by`.
    pub fn missed_by(self, by: &str) -> String {
        match self {
            Lang::Zh => format!("差 {by}"),
            Lang::En => format!("missed by {by}"),
        }
    }

    /// A row missed (the `else` row has no threshold to miss by).
    pub fn missed(self) -> &'static str {
        self.pick("未达到", "missed")
    }

    /// A row after the match.
    pub fn not_tested(self) -> &'static str {
        self.pick("未比较", "not tested")
    }

    /// A grade band's coefficient.
    pub fn coefficient(self, grade: &str, coefficient: &str) -> String {
        match self {
            Lang::Zh => format!("等级 {grade}，系数 {coefficient}"),
            Lang::En => format!("grade {grade}, coefficient {coefficient}"),
        }
    }

    /// Interpolation between two points.
    pub fn interpolated(self, x: &str, from: (&str, &str), to: (&str, &str)) -> String {
        let ((x0, y0), (x1, y1)) = (from, to);
        let formula = format!("{y0} + ({x} - {x0}) × ({y1} - {y0}) / ({x1} - {x0})");
        match self {
            Lang::Zh => format!("{x} 介于 {x0} : {y0} 与 {x1} : {y1} 之间，按比例 {formula}"),
            Lang::En => format!("{x} lies between {x0} : {y0} and {x1} : {y1}, so {formula}"),
        }
    }

    /// Interpolation beyond an end point.
    pub fn clamped(self, x: &str, at: (&str, &str), high: bool) -> String {
        let (x0, y0) = at;
        match (self, high) {
            (Lang::Zh, false) => format!("{x} 不高于 {x0}，取 {y0}"),
            (Lang::Zh, true) => format!("{x} 不低于 {x0}，取 {y0}"),
            (Lang::En, false) => format!("{x} is at or below {x0}, so {y0}"),
            (Lang::En, true) => format!("{x} is at or above {x0}, so {y0}"),
        }
    }

    /// A cap or floor that changed a value.
    pub fn limit(self, kind: LimitKind, before: &str, after: &str, amount: &str) -> String {
        match (self, kind) {
            (Lang::Zh, LimitKind::Cap) => {
                format!("封顶 {after}：{before} → {after}（超出的 {amount} 不计）")
            }
            (Lang::Zh, LimitKind::Floor) => {
                format!("保底 {after}：{before} → {after}（补足 {amount}）")
            }
            (Lang::En, LimitKind::Cap) => {
                format!("cap {after}: {before} → {after} ({amount} cut off)")
            }
            (Lang::En, LimitKind::Floor) => {
                format!("floor {after}: {before} → {after} ({amount} added)")
            }
        }
    }

    /// A veto's check.
    pub fn veto(self, reason: &str, condition: &str, fired: Option<(&str, &str)>) -> String {
        match (self, fired) {
            (Lang::Zh, Some((before, after))) => {
                format!("一票否决「{reason}」：{condition} 成立，{before} → {after}")
            }
            (Lang::Zh, None) => format!("一票否决「{reason}」：{condition} 不成立，未适用"),
            (Lang::En, Some((before, after))) => {
                format!("veto \"{reason}\": {condition} is true, so {before} → {after}")
            }
            (Lang::En, None) => format!("veto \"{reason}\": {condition} is false, not applied"),
        }
    }

    /// A rounding.
    pub fn rounding(self, mode: &str, places: u32, before: &str, after: &str) -> String {
        match self {
            Lang::Zh => {
                let name = match mode {
                    "half_up" => "四舍五入",
                    "half_even" => "四舍六入五成双",
                    "half_down" => "五舍六入",
                    "down" => "舍去",
                    "up" => "进一",
                    other => other,
                };
                format!("舍入（{name}，保留 {places} 位小数）：{before} → {after}")
            }
            Lang::En => {
                let unit = if places == 1 { "place" } else { "places" };
                format!("rounded {mode} to {places} {unit}: {before} → {after}")
            }
        }
    }

    /// Already in the best row.
    pub fn top(self) -> &'static str {
        self.pick("已在最高一档", "already in the top row")
    }

    /// Held by a veto.
    pub fn vetoed(self, reason: &str, item: &str) -> String {
        match self {
            Lang::Zh => format!("受一票否决「{reason}」（{item}）限制，否决成立时无法升档"),
            Lang::En => format!(
                "held by the veto \"{reason}\" on {item}; no better row while the veto stands"
            ),
        }
    }

    /// The next better row and what it needs.
    pub fn next_row(self, row: &str, needs: &str, now: &str, gap: &str) -> String {
        match self {
            Lang::Zh => format!("「{row}」需要 {needs}（现为 {now}，差 {gap}）"),
            Lang::En => format!("\"{row}\" needs {needs} (now {now}, {gap} short)"),
        }
    }

    /// One input's move that reaches the next row.
    pub fn single_move(self, input: &str, by: &str, from: &str, to: &str) -> String {
        format!("{}{}", self.change(input, by, from, to), self.unchanged())
    }

    /// Two inputs' moves that reach the next row together; each is `(input, by, from,
    /// to)` as for [`Lang::single_move`].
    pub fn pair_move(
        self,
        first: (&str, &str, &str, &str),
        second: (&str, &str, &str, &str),
    ) -> String {
        let (a, b) = (
            self.change(first.0, first.1, first.2, first.3),
            self.change(second.0, second.1, second.2, second.3),
        );
        let together = self.pick("，同时 ", " together with ");
        format!("{a}{together}{b}{}", self.unchanged())
    }

    /// A change of one input: `再多 50（900 → 950）`, `50 more … (900 → 950)`.
    fn change(self, input: &str, by: &str, from: &str, to: &str) -> String {
        match (self, by.strip_prefix('-')) {
            (Lang::Zh, None) => format!("{input} 再多 {by}（{from} → {to}）"),
            (Lang::Zh, Some(n)) => format!("{input} 减少 {n}（{from} → {to}）"),
            (Lang::En, None) => format!("{by} more {input} ({from} → {to})"),
            (Lang::En, Some(n)) => format!("{n} fewer {input} ({from} → {to})"),
        }
    }

    /// What closes a move: every other input as it is.
    fn unchanged(self) -> &'static str {
        self.pick("，其余不变", ", all else unchanged")
    }

    /// A next row that depends on other records' results.
    pub fn shared_move(self) -> &'static str {
        self.pick(
            "取决于同组其他成员的结果（汇总或排名），不单独推算本人的变化",
            "depends on other records' results (a group value or a rank), so no change of this record alone is worked out",
        )
    }

    /// No input is declared as the agent's to move.
    pub fn unmarked_move(self) -> &'static str {
        self.pick(
            "规则未标明坐席可改变的输入（better higher / better lower），不推算变化",
            "the rule file names no input the agent controls (better higher, better lower), so no change is worked out",
        )
    }

    /// A record rolled up from daily rows: no single input to move.
    pub fn rolled_move(self) -> &'static str {
        self.pick(
            "由本月逐日明细汇总而来，不单独推算某一天的变化",
            "summed from the month's daily rows, so no change of one day alone is worked out",
        )
    }

    /// No change of one count input, nor of two together, reaches the next row.
    pub fn no_move(self) -> &'static str {
        self.pick(
            "改变任何一项计数输入，或同时改变其中两项，都达不到这一档",
            "no change of one count input, or of two together, reaches this row",
        )
    }
}

/// Fixed words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    /// "Record".
    Record,
    /// "Counted".
    Counted,
    /// "Records scored with".
    PopulationPrint,
    /// "Others whose outputs changed".
    OthersChanged,
    /// "version".
    Version,
    /// "Ruleset".
    Ruleset,
    /// "Result".
    Result,
    /// "Inputs".
    Inputs,
    /// "How each value arose".
    Steps,
    /// "Outputs".
    Outputs,
    /// "Formula".
    Formula,
    /// "With numbers".
    Working,
    /// "Looked up".
    LookedUp,
    /// "Value", of a computed step.
    Value,
    /// "Value", of an input.
    Given,
    /// A list separator.
    Comma,
    /// "Next row".
    Next,
    /// "Name".
    Name,
    /// "Row".
    Row,
    /// "Outcome".
    Outcome,
    /// "Ruleset fingerprint".
    RulesetPrint,
    /// "Record fingerprint".
    RecordPrint,
    /// "Engine".
    Engine,
    /// "Before".
    Before,
    /// "After".
    After,
    /// "Difference".
    Difference,
    /// "Changed".
    Changed,
    /// "Appeal review".
    Appeal,
    /// "Corrected inputs".
    Corrected,
    /// "Item by item".
    Comparison,
    /// "no change".
    NoChange,
    /// "Warnings".
    Warnings,
    /// "Month".
    Month,
    /// "Rows".
    Rows,
    /// "Item".
    Item,
    /// "Weight".
    Weight,
    /// "Contribution".
    Contribution,
    /// "Items", the heading of a statement's items table.
    Items,
    /// "Where you stand", the heading of the bars against each next row.
    Standings,
    /// "For checking", the heading of the engine and fingerprints.
    References,
    /// "Team", of an index of statements.
    Team,
    /// "Records", a team's head count.
    HeadCount,
    /// "total", after an output's name.
    Total,
    /// "In no team".
    NoTeam,
    /// "Other results".
    OtherResults,
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn a_bilingual_label_is_split_by_language() {
        assert_eq!(Lang::Zh.label("接通率 / Answer rate"), "接通率");
        assert_eq!(Lang::En.label("接通率 / Answer rate"), "Answer rate");
        assert_eq!(Lang::En.label("接通率"), "接通率");
        assert_eq!(
            Lang::En.label("质检一票否决 / QA veto: QA score below 60"),
            "QA veto: QA score below 60"
        );
    }
}
