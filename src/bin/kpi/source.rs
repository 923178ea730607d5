//! How a run reads its data files: the sheet of a workbook, the encoding of a CSV
//! file. Given once on the command line, for every data file the run reads.

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
