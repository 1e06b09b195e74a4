//! Deliveries generated from Amity's own OpenAPI specification (`fixtures/amity-spec/`):
//! every `/webhook/...` path has a type, and every body its schema allows parses into it.
//!
//! The schema of each event is walked (`$ref`s across files, `allOf`, arrays, objects) and
//! bodies are generated from it: every optional field absent, `null`, or an empty string
//! where an object is expected, one nesting level at a time; every field present with a
//! value of its schema's type (each enum value in turn, a value the enum does not list yet,
//! numbers written as strings); arrays empty and 50 items long, one level at a time;
//! random mixes of all of these; and an unknown field at every object level throughout.
//! A field whose Rust type is stricter than the specification makes some body fail.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use webhook_core::amity::{self, AmityEvent};
use yaml_rust2::{Yaml, YamlLoader};

/// An unknown field added to every generated object.
const EXTRA_FIELD: &str = "fieldFromTheFuture";
/// The length of a long array.
const LONG: usize = 50;
/// Random mixes generated per event.
const MIXES: u64 = 16;

/// A schema with its references resolved and its `allOf`s merged.
#[derive(Debug, Clone)]
enum Schema {
    Object {
        properties: Vec<(String, Schema)>,
        required: BTreeSet<String>,
    },
    /// An object with no listed properties: any JSON object.
    FreeObject,
    Array(Box<Schema>),
    String {
        date_time: bool,
        values: Vec<String>,
    },
    Integer,
    Number,
    Boolean,
    /// No type given.
    Any,
}

/// The specification's files, loaded as JSON values on first use.
struct Spec {
    dir: PathBuf,
    files: HashMap<String, Value>,
}

impl Spec {
    fn new() -> Self {
        Self {
            dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/amity-spec"),
            files: HashMap::new(),
        }
    }

    fn file(&mut self, name: &str) -> &Value {
        let dir = &self.dir;
        self.files.entry(name.to_owned()).or_insert_with(|| {
            let text = std::fs::read_to_string(dir.join(name))
                .unwrap_or_else(|err| panic!("spec file {name}: {err}"));
            let docs = YamlLoader::load_from_str(&text)
                .unwrap_or_else(|err| panic!("spec file {name}: {err}"));
            docs.first().map(yaml_to_json).unwrap_or(Value::Null)
        })
    }

    /// The node a `$ref` written in `from` points to, and the file it is in.
    fn follow(&mut self, from: &str, reference: &str) -> (String, Value) {
        let (file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let file = if file.is_empty() {
            from.to_owned()
        } else {
            join(from, file)
        };
        let node = self
            .file(&file)
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{reference} (from {from}) points nowhere"))
            .clone();
        (file, node)
    }

    /// `raw`, found in `file`, as a [`Schema`]; `seen` guards against cycles.
    fn schema(&mut self, file: &str, raw: &Value, seen: &mut Vec<String>) -> Schema {
        if let Some(reference) = raw.get("$ref").and_then(Value::as_str) {
            let (target, node) = self.follow(file, reference);
            let key = format!("{target}{reference}");
            if seen.contains(&key) {
                return Schema::Any;
            }
            seen.push(key);
            let schema = self.schema(&target, &node, seen);
            seen.pop();
            return schema;
        }
        let mut properties = Vec::new();
        let mut required = BTreeSet::new();
        for part in raw
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Schema::Object {
                properties: more,
                required: also,
            } = self.schema(file, part, seen)
            {
                merge(&mut properties, more);
                required.extend(also);
            }
        }
        if let Some(own) = raw.get("properties").and_then(Value::as_object) {
            let own = own
                .iter()
                .map(|(name, schema)| (name.clone(), self.schema(file, schema, seen)))
                .collect();
            merge(&mut properties, own);
        }
        required.extend(
            raw.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned),
        );
        let values: Vec<String> = raw
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let format = raw.get("format").and_then(Value::as_str);
        match raw.get("type").and_then(Value::as_str) {
            Some("array") => {
                let items = raw.get("items").cloned().unwrap_or(Value::Null);
                Schema::Array(Box::new(self.schema(file, &items, seen)))
            }
            Some("object") | None if !properties.is_empty() => Schema::Object {
                properties,
                required,
            },
            Some("object") => Schema::FreeObject,
            // `type: enum` is not OpenAPI, but the specification uses it for string enums.
            Some("string" | "enum") => Schema::String {
                date_time: format == Some("date-time"),
                values,
            },
            Some("integer") => Schema::Integer,
            Some("number") if matches!(format, Some("int32" | "int64")) => Schema::Integer,
            Some("number") => Schema::Number,
            Some("boolean") => Schema::Boolean,
            None if !values.is_empty() => Schema::String {
                date_time: false,
                values,
            },
            _ => Schema::Any,
        }
    }

    /// Every `/webhook/...` path with its body schema.
    fn webhook_events(&mut self) -> Vec<(String, Schema)> {
        let paths = self.file("swagger.yaml")["paths"].clone();
        let mut events = Vec::new();
        for (path, item) in paths.as_object().expect("paths") {
            let Some(name) = path.strip_prefix("/webhook/") else {
                continue;
            };
            let mut file = "swagger.yaml".to_owned();
            let mut response = item["get"]["responses"]["200"].clone();
            while let Some(reference) = response.get("$ref").and_then(Value::as_str) {
                (file, response) = self.follow(&file, reference);
            }
            let body = response["content"]["application/json"]["schema"].clone();
            assert!(!body.is_null(), "{path} has no body schema");
            events.push((name.to_owned(), self.schema(&file, &body, &mut Vec::new())));
        }
        events
    }
}

/// Adds `more` to `properties`; a property listed again replaces the earlier one.
fn merge(properties: &mut Vec<(String, Schema)>, more: Vec<(String, Schema)>) {
    for (name, schema) in more {
        match properties.iter_mut().find(|(known, _)| *known == name) {
            Some(slot) => slot.1 = schema,
            None => properties.push((name, schema)),
        }
    }
}

/// `relative` as seen from the file `from`, both relative to the specification's folder.
fn join(from: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

fn yaml_to_json(yaml: &Yaml) -> Value {
    match yaml {
        Yaml::Real(text) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(text.clone()), Value::Number),
        Yaml::Integer(number) => json!(number),
        Yaml::String(text) => json!(text),
        Yaml::Boolean(flag) => json!(flag),
        Yaml::Array(items) => items.iter().map(yaml_to_json).collect(),
        Yaml::Hash(entries) => entries
            .iter()
            .map(|(key, value)| {
                let key = match key {
                    Yaml::String(text) | Yaml::Real(text) => text.clone(),
                    Yaml::Integer(number) => number.to_string(),
                    Yaml::Boolean(flag) => flag.to_string(),
                    other => format!("{other:?}"),
                };
                (key, yaml_to_json(value))
            })
            .collect::<Map<_, _>>()
            .into(),
        Yaml::Alias(_) | Yaml::Null | Yaml::BadValue => Value::Null,
    }
}

/// The event name a path's deliveries carry: v5 message events use the chat names.
fn event_name(path: &str) -> &str {
    path.strip_prefix("v5.").unwrap_or(path)
}

/// How an optional field at the chosen depth is sent.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Optional {
    Absent,
    Null,
    /// `""` where an object is expected; other fields are sent with a value.
    EmptyString,
}

/// What one generated body varies; everything else is sent with a value, arrays with one
/// item (an array of enum values with all of them).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Variation {
    /// Every field with a value; enums take their `n`th value (wrapping).
    Values { n: usize },
    /// Every enum takes a value the specification does not list.
    NewEnumValues,
    /// Integers and numbers written as strings.
    NumbersAsStrings,
    /// Optional fields of objects at `depth` (the body is depth 0).
    Optional { how: Optional, depth: usize },
    /// Arrays held by objects at `depth` have `len` items.
    ArrayLength { len: usize, depth: usize },
    /// Each optional field and array length chosen at random.
    Mix { seed: u64 },
}

/// Builds one body for one [`Variation`].
struct Generator {
    variation: Variation,
    rng: u64,
    /// Whether the variation found something to vary.
    varied: bool,
    /// The longest list of enum values seen.
    enum_len: usize,
}

impl Generator {
    fn new(variation: Variation) -> Self {
        let rng = match variation {
            Variation::Mix { seed } => seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
            _ => 1,
        };
        Self {
            variation,
            rng,
            varied: false,
            enum_len: 0,
        }
    }

    /// xorshift64: enough randomness to mix variations, reproducible from the seed.
    fn next(&mut self, bound: u64) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng % bound
    }

    fn body(&mut self, schema: &Schema) -> Value {
        self.value(schema, "body", 0)
    }

    fn value(&mut self, schema: &Schema, name: &str, depth: usize) -> Value {
        match schema {
            Schema::Object {
                properties,
                required,
            } => self.object(properties, required, depth),
            Schema::FreeObject => json!({"anyKey": [1, "two", {"three": null}]}),
            Schema::Array(items) => {
                let len = self.array_len(depth);
                if let (Schema::String { values, .. }, 1) = (&**items, len)
                    && !values.is_empty()
                    && self.variation != Variation::NewEnumValues
                {
                    self.enum_len = self.enum_len.max(1);
                    return values.iter().map(|value| json!(value)).collect();
                }
                (0..len)
                    .map(|_| self.value(items, name, depth))
                    .collect::<Vec<_>>()
                    .into()
            }
            Schema::String { date_time, values } => {
                if values.is_empty() {
                    if *date_time {
                        json!("2024-11-13T09:41:27.512Z")
                    } else {
                        json!(format!("{name} text"))
                    }
                } else {
                    self.enum_len = self.enum_len.max(values.len());
                    match self.variation {
                        Variation::NewEnumValues => {
                            self.varied = true;
                            json!("aValueFromTheFuture")
                        }
                        Variation::Values { n } => json!(values[n % values.len()]),
                        _ => json!(values[0]),
                    }
                }
            }
            Schema::Integer if self.variation == Variation::NumbersAsStrings => {
                self.varied = true;
                json!("42")
            }
            Schema::Integer => json!(42),
            Schema::Number if self.variation == Variation::NumbersAsStrings => {
                self.varied = true;
                json!("2.5")
            }
            Schema::Number => json!(2.5),
            Schema::Boolean => match self.variation {
                Variation::Values { n } => json!(n % 2 == 0),
                _ => json!(true),
            },
            Schema::Any => json!("any value"),
        }
    }

    fn object(
        &mut self,
        properties: &[(String, Schema)],
        required: &BTreeSet<String>,
        depth: usize,
    ) -> Value {
        let mut object = Map::new();
        for (name, schema) in properties {
            let how = match self.variation {
                _ if required.contains(name) => None,
                Variation::Optional { how, depth: at } if at == depth => Some(how),
                // Half of the fields sent, so that mixes reach deep into the body.
                Variation::Mix { .. } if depth > 0 => match self.next(6) {
                    0 => Some(Optional::Absent),
                    1 => Some(Optional::Null),
                    2 => Some(Optional::EmptyString),
                    _ => None,
                },
                _ => None,
            };
            let is_object = matches!(schema, Schema::Object { .. } | Schema::FreeObject);
            match how {
                Some(Optional::Absent) => self.varied = true,
                Some(Optional::Null) => {
                    self.varied = true;
                    object.insert(name.clone(), Value::Null);
                }
                Some(Optional::EmptyString) if is_object => {
                    self.varied = true;
                    object.insert(name.clone(), json!(""));
                }
                _ => {
                    let value = self.value(schema, name, depth + 1);
                    object.insert(name.clone(), value);
                }
            }
        }
        object.insert(
            EXTRA_FIELD.to_owned(),
            json!({"nested": [1, "two", null, {"deeper": true}]}),
        );
        Value::Object(object)
    }

    fn array_len(&mut self, depth: usize) -> usize {
        match self.variation {
            Variation::ArrayLength { len, depth: at } if at + 1 == depth => {
                self.varied = true;
                len
            }
            Variation::Mix { .. } => [0, 1, 3][usize::try_from(self.next(3)).unwrap_or(0)],
            _ => 1,
        }
    }
}

/// Every variation of `schema`'s bodies, each with its variation for failure messages.
fn bodies(schema: &Schema) -> Vec<(Variation, String)> {
    let mut variations = vec![Variation::Values { n: 0 }];
    let mut probe = Generator::new(Variation::Values { n: 0 });
    probe.body(schema);
    // Enough bodies for every enum to take each of its values, and booleans both.
    variations.extend((1..probe.enum_len.max(2)).map(|n| Variation::Values { n }));
    variations.extend([Variation::NewEnumValues, Variation::NumbersAsStrings]);
    variations.extend((0..MIXES).map(|seed| Variation::Mix { seed }));
    let mut out: Vec<(Variation, String)> = variations
        .into_iter()
        .map(|variation| {
            (
                variation,
                Generator::new(variation).body(schema).to_string(),
            )
        })
        .collect();

    let per_depth: [fn(usize) -> Variation; 5] = [
        |depth| Variation::Optional {
            how: Optional::Absent,
            depth,
        },
        |depth| Variation::Optional {
            how: Optional::Null,
            depth,
        },
        |depth| Variation::Optional {
            how: Optional::EmptyString,
            depth,
        },
        |depth| Variation::ArrayLength { len: 0, depth },
        |depth| Variation::ArrayLength { len: LONG, depth },
    ];
    for at_depth in per_depth {
        for depth in 0..=schema.depth() {
            let variation = at_depth(depth);
            let mut generator = Generator::new(variation);
            let body = generator.body(schema);
            // Nothing of that kind at that depth: the body would repeat another.
            if generator.varied {
                out.push((variation, body.to_string()));
            }
        }
    }
    out
}

impl Schema {
    /// How deep its objects nest: 0 for a scalar, 1 for an object of scalars.
    fn depth(&self) -> usize {
        match self {
            Self::Object { properties, .. } => {
                1 + properties
                    .iter()
                    .map(|(_, schema)| schema.depth())
                    .max()
                    .unwrap_or(0)
            }
            Self::Array(items) => items.depth(),
            Self::FreeObject => 1,
            _ => 0,
        }
    }
}

/// The v5 message schemas with `messages` and `messageFeeds` given each other's items:
/// the reading the names suggest, next to the specification's own.
fn with_message_arrays_swapped(schema: &Schema) -> Option<Schema> {
    let mut schema = schema.clone();
    let Schema::Object { properties, .. } = &mut schema else {
        return None;
    };
    let (
        _,
        Schema::Object {
            properties: data, ..
        },
    ) = properties.iter_mut().find(|(name, _)| name == "data")?
    else {
        return None;
    };
    let messages = data.iter().position(|(name, _)| name == "messages")?;
    let feeds = data.iter().position(|(name, _)| name == "messageFeeds")?;
    let items = data[messages].1.clone();
    data[messages].1 = data[feeds].1.clone();
    data[feeds].1 = items;
    Some(schema)
}

/// Every event of the specification, with the schemas its bodies may follow.
fn spec_events() -> Vec<(String, Vec<Schema>)> {
    let mut spec = Spec::new();
    spec.webhook_events()
        .into_iter()
        .map(|(path, schema)| {
            let mut readings = Vec::new();
            if path.starts_with("v5.") {
                readings.extend(with_message_arrays_swapped(&schema));
            }
            readings.push(schema);
            (path, readings)
        })
        .collect()
}

#[test]
fn every_webhook_path_of_the_spec_has_a_type() {
    let events = spec_events();
    assert_eq!(
        events.len(),
        86,
        "the specification lists 86 webhook events"
    );
    let from_spec: BTreeSet<&str> = events.iter().map(|(path, _)| event_name(path)).collect();
    let typed: BTreeSet<&str> = amity::EVENT_NAMES.iter().copied().collect();
    let untyped: Vec<_> = from_spec.difference(&typed).collect();
    assert!(
        untyped.is_empty(),
        "spec events without a type: {untyped:?}"
    );
    let unlisted: Vec<_> = typed.difference(&from_spec).collect();
    assert!(
        unlisted.is_empty(),
        "types of events the spec lacks: {unlisted:?}"
    );
    assert_eq!(
        amity::EVENT_NAMES.len(),
        typed.len(),
        "a name is listed twice"
    );
}

#[test]
fn every_body_the_spec_allows_parses_into_its_type() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (path, readings) in spec_events() {
        let name = event_name(&path);
        for schema in &readings {
            for (variation, body) in bodies(schema) {
                count += 1;
                match AmityEvent::parse(name, &body) {
                    Ok(AmityEvent::Unknown(_)) => failures.push(format!("{path}: no type")),
                    Ok(event) if event.name() != name => {
                        failures.push(format!("{path}: read as {}", event.name()));
                    }
                    Ok(_) => {}
                    Err(err) => failures.push(format!("{path}, {variation:?}: {err}")),
                }
            }
        }
    }
    assert!(count > 86 * 20, "only {count} bodies generated");
    assert!(
        failures.is_empty(),
        "{} of {count} generated bodies failed; the first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The fields of `sent` that `kept` lacks, as JSON paths.
fn dropped(sent: &Value, kept: &Value, path: &str, out: &mut Vec<String>) {
    match (sent, kept) {
        (Value::Object(sent), Value::Object(kept)) => {
            for (name, value) in sent {
                if name == EXTRA_FIELD {
                    continue;
                }
                match kept.get(name) {
                    Some(kept) => dropped(value, kept, &format!("{path}.{name}"), out),
                    None => out.push(format!("{path}.{name}")),
                }
            }
        }
        (Value::Array(sent), Value::Array(kept)) => {
            for (index, (sent, kept)) in sent.iter().zip(kept).enumerate() {
                dropped(sent, kept, &format!("{path}[{index}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_field_of_the_spec_has_a_place_in_its_type() {
    let mut missing = BTreeSet::new();
    for (path, readings) in spec_events() {
        let name = event_name(&path);
        // The first reading of a v5 event is the one its type takes (see `MessageData`).
        let schema = &readings[0];
        let mut sent = Generator::new(Variation::Values { n: 0 }).body(schema);
        // The event name routes the body; it is no field of the event.
        if let Some(object) = sent.as_object_mut() {
            object.remove("event");
        }
        let event = AmityEvent::parse(name, &sent.to_string())
            .unwrap_or_else(|err| panic!("{path}: a body with every field fails: {err}"));
        let kept = serde_json::to_value(&event).expect("an event serializes");
        let mut lost = Vec::new();
        dropped(&sent, &kept, "", &mut lost);
        missing.extend(lost.into_iter().map(|field| format!("{path}: {field}")));
    }
    assert!(
        missing.is_empty(),
        "fields of the spec no type keeps:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_crate_docs_list_every_event_with_its_spec_path() {
    let docs = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs"));
    let rows: Vec<&str> = docs
        .lines()
        .filter(|line| line.starts_with("//! | Amity | `"))
        .collect();
    for (path, _) in spec_events() {
        let name = event_name(&path);
        let listed = rows.iter().any(|row| {
            row.starts_with(&format!("//! | Amity | `{name}` | [`amity::"))
                && row.contains(&format!("`/webhook/{path}`"))
        });
        assert!(
            listed,
            "the supported events table lacks {name} from /webhook/{path}"
        );
    }
    for name in webhook_core::talkplus::EVENT_NAMES {
        assert!(
            docs.contains(&format!("//! | TalkPlus | `{name}` | [`talkplus::")),
            "the supported events table lacks TalkPlus {name}"
        );
    }
}
