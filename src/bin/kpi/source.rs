//! How a run reads its data files: the sheet of a workbook, the encoding and the
//! delimiter of a CSV file. Given once on the command line, for every data file the run reads.

use std::sync::OnceLock;

use clap::ValueEnum;

/// The options of `eval` and `explain` that say how to read the data file.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct SourceArgs {
    /// For a workbook (.xlsx, .xls, .ods): the sheet to read; the first without it.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The text encoding of a CSV file. Without it, a file that is not UTF-8 but reads
    /// cleanly as GB18030 (GBK, as Chinese Excel saves CSV) is read as that, and a line
    /// on stderr says so.
    #[arg(long, value_enum)]
    pub encoding: Option<Encoding>,
    /// What separates the fields of a CSV file: `,` (the default), `;`, `tab` or any
    /// other single character.
    #[arg(long, value_name = "CHAR", default_value = ",", value_parser = Delimiter::parse)]
    pub delimiter: Delimiter,
}

/// The byte that separates the fields of a CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delimiter(pub u8);

impl Default for Delimiter {
    fn default() -> Delimiter {
        Delimiter(b',')
    }
}

impl Delimiter {
    /// `,`, `;`, `|`, `tab` (or `\t`, or a tab itself): one ASCII character other than a
    /// quote or a line break.
    fn parse(text: &str) -> Result<Delimiter, String> {
        let byte = match text {
            "tab" | "\\t" => b'\t',
            _ => match text.as_bytes() {
                [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => *b,
                _ => {
                    return Err("give one character, such as ',' or ';', or tab for a tab".into());
                }
            },
        };
        Ok(Delimiter(byte))
    }
}

/// Text encodings of CSV files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    /// UTF-8 only.
    #[value(name = "utf-8")]
    Utf8,
    /// GB18030, which includes GBK and GB2312.
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

static OPTIONS: OnceLock<SourceArgs> = OnceLock::new();

/// Sets how this run reads its data files; the first call counts.
pub fn set(options: SourceArgs) {
    let _ = OPTIONS.set(options);
}

/// How this run reads its data files.
pub fn options() -> &'static SourceArgs {
    OPTIONS.get_or_init(SourceArgs::default)
}
