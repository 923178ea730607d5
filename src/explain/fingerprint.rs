//! Fingerprints: SHA-256 digests that pin an explanation to the exact rule text and
//! the exact record it came from.

use sha2::{Digest, Sha256};

use super::model::InputShown;

/// `sha256:` and the digest of `bytes` in lower-case hex.
fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in hash.iter() {
        out.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
    }
    out
}

/// The fingerprint of a rule file: the digest of its text, byte for byte.
pub fn of_ruleset(text: &str) -> String {
    digest(text.as_bytes())
}

/// The fingerprint of a record: the digest of the JSON array of `[name, value]`
/// pairs of its inputs in declaration order, with no spaces. JSON makes the encoding
/// unambiguous whatever a text value holds.
pub fn of_record(inputs: &[InputShown]) -> String {
    let pairs: Vec<[&str; 2]> = inputs
        .iter()
        .map(|i| [i.name.as_str(), i.value.as_str()])
        .collect();
    let json = serde_json::to_string(&pairs).unwrap_or_default();
    digest(json.as_bytes())
}

/// The fingerprint of the records a value depended on: the digest of the compact JSON
/// array of their record fingerprints, sorted, so the order of the records does not
/// change it.
pub fn of_population(mut fingerprints: Vec<String>) -> String {
    fingerprints.sort_unstable();
    let json = serde_json::to_string(&fingerprints).unwrap_or_default();
    digest(json.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_sha256_in_hex() {
        assert_eq!(
            of_ruleset("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_record_is_digested_as_name_value_pairs() {
        let input = |name: &str, value: &str| InputShown {
            name: name.into(),
            label: None,
            value: value.into(),
        };
        let record = [input("id", "E1"), input("n", "5")];
        assert_eq!(of_record(&record), of_ruleset(r#"[["id","E1"],["n","5"]]"#));
    }
}
