use super::format;
use crate::diagnostic::SourceFile;

fn formatted(text: &str) -> String {
    format(&SourceFile::new("t.kpi", text)).unwrap_or_else(|d| panic!("{d}"))
}

const SCRAMBLED: &str = "# Header comment

ruleset  demo   \"演示 / Demo\"
version \"1\"

currency CNY
key agent_id
input agent_id text \"工号 / Agent ID\"
input calls_offered count
  input qa_score number 0 .. 100 \"质检得分 / QA score\"   # trailing
let rate \"接通率 / Answer rate\" = calls_offered/ 10,when zero 100%
let double=rate*2
score s = tiers rate
 >=95%:100
   # between rows
 > 90% : 80 # row note
    else:0
score t = weighted
  s 60%
  qa_score 40%
grade level by t >= 90 : S coefficient 1.2 else : D coefficient 0
veto v \"QA\" when qa_score<60 : t=0
output score=round( t ,2,half_up)
output grade \"等级 / Grade\" = level
test one \"一 / One\"
  calls_offered = 10
  expect score = 100
  qa_score = 90
# the end
";

const CANONICAL: &str = "# Header comment

ruleset demo \"演示 / Demo\"
version \"1\"
currency CNY
key agent_id

input agent_id      text          \"工号 / Agent ID\"
input calls_offered count
input qa_score      number 0..100 \"质检得分 / QA score\"  # trailing

let rate   \"接通率 / Answer rate\" = calls_offered / 10, when zero 100%
let double                        = rate * 2

score s = tiers rate
  >= 95% : 100
  # between rows
  >  90% : 80  # row note
  else   : 0

score t = weighted
  s         60%
  qa_score  40%

grade level by t
  >= 90 : S  coefficient 1.2
  else  : D  coefficient 0

veto v \"QA\" when qa_score < 60 : t = 0

output score                = round(t, 2, half_up)
output grade \"等级 / Grade\" = level

test one \"一 / One\"
  calls_offered = 10
  expect score = 100
  qa_score      = 90

# the end
";

#[test]
fn a_scrambled_file_formats_to_the_canonical_layout() {
    assert_eq!(formatted(SCRAMBLED), CANONICAL);
}

#[test]
fn formatting_is_idempotent() {
    assert_eq!(formatted(CANONICAL), CANONICAL);
}

#[test]
fn a_file_with_syntax_errors_is_not_formatted() {
    let errors = format(&SourceFile::new("t.kpi", "ruleset demo\nlet a = (1 +\n")).unwrap_err();
    assert!(errors.has_errors());
}
