//! Reads YAML or JSON into a JSON value, noting on the way what the later
//! passes need: whether any mapping holds a construct that normalising
//! rewrites (when none does, its walk over the whole tree is skipped), and
//! every `pattern` string (compiled on another thread meanwhile).

use std::sync::mpsc::Sender;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// What reading a document noticed, and its scratch space.
#[derive(Default)]
pub(super) struct Scan {
    /// Whether some mapping holds a construct that normalising rewrites.
    pub needs_normalising: bool,
    /// Whether some `$ref` is one the typed parser cannot hold, so that
    /// references must be inlined ([`super::repair`]).
    pub odd_references: bool,
    /// Where `pattern` strings go, if anywhere.
    patterns: Option<Sender<String>>,
    /// Entries of the mappings being read, the innermost last: each mapping
    /// is built at its final size once read, instead of growing (and
    /// rehashing) entry by entry.
    entries: Vec<(String, Value)>,
    /// Items of the sequences being read, likewise.
    items: Vec<Value>,
}

impl Scan {
    /// A scan that sends every `pattern` string to `patterns`.
    pub fn new(patterns: Option<Sender<String>>) -> Self {
        Scan {
            patterns,
            ..Scan::default()
        }
    }
}

/// Parses YAML leniently: integers past 64 bits (real specs have them)
/// become floats, and non-string keys (`200:`) strings.
pub(super) fn from_yaml(text: &str, scan: &mut Scan) -> Result<Value, serde_yaml::Error> {
    Lenient { scan }.deserialize(serde_yaml::Deserializer::from_str(text))
}

/// Parses JSON as `serde_json::from_str::<Value>` does (JSON has none of
/// the cases the leniency is for), noting the same things as for YAML.
pub(super) fn from_json(text: &str, scan: &mut Scan) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Lenient { scan }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Reads any value; the seed and its visitor in one.
struct Lenient<'s> {
    scan: &'s mut Scan,
}

impl Lenient<'_> {
    fn child(&mut self) -> Lenient<'_> {
        Lenient {
            scan: &mut *self.scan,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Lenient<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Lenient<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Value, A::Error> {
        let start = self.scan.items.len();
        while let Some(item) = seq.next_element_seed(self.child())? {
            self.scan.items.push(item);
        }
        Ok(Value::Array(self.scan.items.drain(start..).collect()))
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Value, A::Error> {
        let start = self.scan.entries.len();
        while let Some(key) = map.next_key_seed(self.child())? {
            let key = match key {
                Value::String(key) => key,
                other => other.to_string(),
            };
            let value = map.next_value_seed(self.child())?;
            match (key.as_str(), &value) {
                ("pattern", Value::String(pattern)) => {
                    if let Some(patterns) = &self.scan.patterns {
                        // The compiler thread only goes if it failed, and
                        // then lowering compiles the pattern itself.
                        let _ = patterns.send(pattern.clone());
                    }
                }
                ("$ref", Value::String(reference))
                    if !super::repair::is_typed_reference(reference) =>
                {
                    self.scan.odd_references = true;
                }
                _ => {}
            }
            self.scan.entries.push((key, value));
        }
        let mut object = Map::with_capacity(self.scan.entries.len() - start);
        for (key, value) in self.scan.entries.drain(start..) {
            object.insert(key, value);
        }
        if !self.scan.needs_normalising && super::normalise::normalising_changes(&object) {
            self.scan.needs_normalising = true;
        }
        Ok(Value::Object(object))
    }
}

/// NaN and infinities have no JSON form; YAML's `.nan` becomes `null`.
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        from_yaml(text, &mut Scan::default()).unwrap()
    }

    #[test]
    fn yaml_reads_as_the_plain_lenient_visitor_did() {
        let value = yaml(
            "a: 1\nb: [x, {c: 2.5, d: ~}]\n200: ok\n1.5: f\ntrue: t\nn: 18446744073709551616\n\
             m: -9223372036854775809\nnan: .nan\nk: {b: 1, a: 2, b: 3}\n",
        );
        let expected = serde_json::json!({
            "a": 1, "b": ["x", {"c": 2.5, "d": null}], "200": "ok", "1.5": "f", "true": "t",
            "n": 18446744073709551616.0_f64, "m": -9223372036854775809.0_f64, "nan": null,
            "k": {"b": 3, "a": 2}
        });
        assert_eq!(value, expected);
        // Key order is the document's, a repeated key keeping its place.
        let keys: Vec<&String> = value["k"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["b", "a"]);
    }

    #[test]
    fn json_reads_as_serde_json_does() {
        for text in [
            r#"{"a": [1, -2, 3.5, 18446744073709551616, {"b": null}], "a": true, "c": "\u00e9"}"#,
            r#"{"x": 1} trailing"#,
            r#"{"x": 1"#,
        ] {
            let ours = from_json(text, &mut Scan::default()).map_err(|e| e.to_string());
            let theirs = serde_json::from_str::<Value>(text).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn patterns_are_sent_as_they_are_read() {
        let (sender, receiver) = std::sync::mpsc::channel();
        let mut scan = Scan::new(Some(sender));
        from_yaml(
            "a: {pattern: '^a$'}\nb: [{pattern: '\\d'}, {pattern: 3}]\n",
            &mut scan,
        )
        .unwrap();
        drop(scan);
        assert_eq!(receiver.iter().collect::<Vec<_>>(), ["^a$", "\\d"]);
    }

    #[test]
    fn constructs_to_normalise_are_noticed_at_any_depth() {
        let mut scan = Scan::default();
        from_yaml("a: {b: [{type: string}]}\n", &mut scan).unwrap();
        assert!(!scan.needs_normalising);
        from_yaml("a: {b: [{type: [string, 'null']}]}\n", &mut scan).unwrap();
        assert!(scan.needs_normalising);
    }
}
