//! The change log: one JSON line per committed request, appended and flushed before the
//! request is answered.
//!
//! A line is `{"lsn":N,"changes":[RECORD,…]}`: the entry number, and the records the
//! request changed as they are after it (`crate::state::Record`). Replaying the lines in
//! order over the snapshot they follow gives the state back; a line holds every record of
//! one request, so a request is replayed whole or not at all.
//!
//! A crash while appending leaves a torn last line: it was never acknowledged, and loading
//! ignores it and cuts it off, so the next append starts on a clean line. A line that does
//! not parse but is followed by one that does is not a torn write but damage, and loading
//! refuses the file rather than dropping acknowledged changes.

use serde::{Deserialize, Serialize};

use crate::state::{Change, Record};

/// One line as read back.
#[derive(Debug, Deserialize)]
pub(super) struct Entry {
    pub(super) lsn: u64,
    pub(super) changes: Vec<Record>,
}

#[derive(Serialize)]
struct EntryOut<'a> {
    lsn: u64,
    changes: Vec<&'a Record>,
}

/// Appends the line of entry `lsn` to `out`; an entry without changes writes nothing.
pub(super) fn encode(lsn: u64, changes: &[Change], out: &mut Vec<u8>) -> serde_json::Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let entry = EntryOut {
        lsn,
        changes: changes.iter().map(|change| &change.after).collect(),
    };
    serde_json::to_writer(&mut *out, &entry)?;
    out.push(b'\n');
    Ok(())
}

/// The entries of a change log, and how many of its bytes hold them.
#[derive(Debug)]
pub(super) struct Replay {
    pub(super) entries: Vec<Entry>,
    /// Everything after this many bytes is a torn last line.
    pub(super) intact_len: u64,
}

/// Reads a change log; `Err` names the first damaged line (1-based) and the parser's words.
pub(super) fn parse(bytes: &[u8]) -> Result<Replay, (usize, String)> {
    let mut replay = Replay {
        entries: Vec::new(),
        intact_len: 0,
    };
    let mut offset = 0;
    let mut lines = bytes.split_inclusive(|&b| b == b'\n').enumerate();
    while let Some((number, line)) = lines.next() {
        let complete = line.ends_with(b"\n");
        let parsed = if complete {
            serde_json::from_slice::<Entry>(line.trim_ascii())
        } else {
            Err(serde::de::Error::custom("the line has no end"))
        };
        match parsed {
            Ok(entry) => {
                replay.entries.push(entry);
                offset += line.len();
                replay.intact_len = offset as u64;
            }
            Err(_) if line.trim_ascii().is_empty() && complete => {
                offset += line.len();
                replay.intact_len = offset as u64;
            }
            Err(error) => {
                let later_line_parses = lines.any(|(_, later)| {
                    later.ends_with(b"\n")
                        && serde_json::from_slice::<Entry>(later.trim_ascii()).is_ok()
                });
                if later_line_parses {
                    return Err((number + 1, error.to_string()));
                }
                break;
            }
        }
    }
    Ok(replay)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        r#"{"lsn":1,"changes":[{"quotas":{"quotas":{"default":5,"overrides":[]}}}]}"#;

    fn check(log: &str, entries: usize, intact_len: usize) {
        let replay = parse(log.as_bytes()).expect("readable");
        assert_eq!(replay.entries.len(), entries, "{log:?}");
        assert_eq!(replay.intact_len, intact_len as u64, "{log:?}");
    }

    #[test]
    fn a_torn_last_line_is_ignored() {
        let one = format!("{GOOD}\n");
        check("", 0, 0);
        check(&one, 1, one.len());
        check(&format!("{one}{one}"), 2, 2 * one.len());
        // Cut anywhere inside the second line, including just before its newline.
        for cut in [1, 10, GOOD.len()] {
            check(&format!("{one}{}", &GOOD[..cut]), 1, one.len());
        }
        // The file system may leave zeros after a crash.
        check(&format!("{one}\0\0\0\0\n\0\0"), 1, one.len());
    }

    #[test]
    fn a_damaged_line_before_a_good_one_is_refused() {
        let log = format!("{GOOD}\n{{\"lsn\":2,\"chan\n{GOOD}\n");
        let (line, _) = parse(log.as_bytes()).expect_err("damaged");
        assert_eq!(line, 2);
    }
}
