//! The CSV of the analysis commands, made from their JSON: the rows of one array of
//! objects, flattened into columns.
//!
//! The JSON is the contract each analysis keeps ([`crate::analysis`]); its CSV is that
//! JSON's main table, so the two can never disagree. A nested object becomes columns
//! `name.key`, an array of numbers or strings columns `name.1`, `name.2`…, `null` an
//! empty cell (NA). Columns come in the order they first appear (JSON keys sorted), a
//! row's `id` first. This module decides
//! nothing about what a row is: the caller names the arrays.

use serde_json::Value;

/// The CSV of the rows found at `tables` (each a `(label, JSON pointer)`) in `json`:
/// with a first column `label_column` holding each row's label, when it is given.
/// Missing arrays add no rows (no rows at all: empty text); text that is not JSON gives
/// `None`.
pub fn csv(json: &str, tables: &[(&str, &str)], label_column: Option<&str>) -> Option<String> {
    let value: Value = serde_json::from_str(json).ok()?;
    let mut columns: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    for (label, pointer) in tables {
        let found = match value.pointer(pointer) {
            Some(Value::Array(items)) => items.clone(),
            Some(item @ Value::Object(_)) => vec![item.clone()],
            _ => Vec::new(),
        };
        for item in found {
            let mut row = Vec::new();
            if let Some(column) = label_column {
                row.push((column.to_string(), (*label).to_string()));
            }
            flatten("", &item, &mut row);
            for (column, _) in &row {
                if !columns.contains(column) {
                    columns.push(column.clone());
                }
            }
            rows.push(row);
        }
    }
    // A row's id leads, after its label: what the row is, then its numbers.
    if let Some(at) = columns.iter().position(|c| c == "id") {
        let id = columns.remove(at);
        columns.insert(usize::from(label_column.is_some()), id);
    }
    if columns.is_empty() {
        return Some(String::new());
    }
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(&columns).ok()?;
    for row in rows {
        let cells: Vec<&str> = columns
            .iter()
            .map(|c| {
                row.iter()
                    .find(|(k, _)| k == c)
                    .map_or("", |(_, v)| v.as_str())
            })
            .collect();
        writer.write_record(&cells).ok()?;
    }
    String::from_utf8(writer.into_inner().ok()?).ok()
}

/// Appends the cells of `value` under the column name `prefix`.
fn flatten(prefix: &str, value: &Value, row: &mut Vec<(String, String)>) {
    let name = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                flatten(&name(key), inner, row);
            }
        }
        Value::Array(items) => {
            for (n, inner) in items.iter().enumerate() {
                flatten(&name(&(n + 1).to_string()), inner, row);
            }
        }
        Value::Null => row.push((prefix.to_string(), String::new())),
        Value::String(text) => row.push((prefix.to_string(), text.clone())),
        other => row.push((prefix.to_string(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::csv;

    #[test]
    fn rows_are_flattened_in_order_with_empty_cells_for_null() {
        let json = r#"{"a": [{"id": "x", "n": 1.5, "p": [0.25, 0.75], "q": null}, {"id": "y, z", "n": 2, "extra": {"k": true}}], "b": {"id": "t", "n": 3}}"#;
        let out = csv(json, &[("first", "/a"), ("second", "/b")], Some("table")).unwrap();
        assert_eq!(
            out,
            "table,id,n,p.1,p.2,q,extra.k\nfirst,x,1.5,0.25,0.75,,\nfirst,\"y, z\",2,,,,true\nsecond,t,3,,,,\n"
        );
        assert_eq!(csv("{}", &[("a", "/a")], None).unwrap(), "");
        assert!(csv("not json", &[], None).is_none());
    }
}
