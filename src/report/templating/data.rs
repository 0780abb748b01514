//! A page's data for the fast evaluator, in the shape `serde_json::to_value` would give
//! it but in about 40% of the memory.
//!
//! [`to_data`] serializes a view model into a [`Data`] tree with a serde `Serializer` of
//! its own, making no `serde_json::Value` on the way. The tree holds what Handlebars
//! would see through `serde_json::to_value`, value for value: the same nulls (a `None`,
//! a unit, a unit struct, a float that is not finite), the same numbers (a
//! [`serde_json::Number`], so integers and floats format as serde_json formats them), a
//! unit variant as its name, a newtype or tuple or struct variant as an object of one
//! entry, and an object's entries as serde_json's map holds them once
//! [`Data::entries`] has put them in its order (sorted by key, the last of a repeated
//! key kept). What it spares: an object's keys are struct field names borrowed from the
//! program (`&'static str`) rather than a `String` each, an object is one slice in the
//! order its entries came rather than a `BTreeMap` (a lookup reads it from the end, the
//! order is made only for `{{#each}}` over an object), and a string is a `Box<str>`
//! rather than a `String`.
//!
//! Measured at 10,000 cases, the comparative report's data is 32 MB here against 76 MB
//! as a `serde_json::Value`; most of what is left is the objects' entries, 40 bytes
//! each, so sharing or inlining short strings saves little: holding strings of up to 22
//! bytes in place (most of a row's) saved 8% of it and cost the case pages 4% more
//! instructions (validating UTF-8 on each read). Sorting each object as it is made cost
//! the case pages 7%; a linear lookup, which needs no order, took 14% fewer
//! instructions than a binary search over sorted entries (most keys differ in length).
//!
//! It is not a JSON value to build, edit or parse: it is made once per page, read by the
//! fast evaluator, and serialized back (`impl Serialize`) only when Handlebars renders
//! the page instead. What it cannot hold as serde_json would — a map key that is a
//! float serde_json formats its own way, an integer out of `u64` and `i64`'s range, an
//! error the view raises — is an [`Error`], and the caller renders that page from the
//! view itself with Handlebars.

use serde::ser::{self, Serialize};
use serde_json::Number;

/// One value of a page's data: what `serde_json::Value` would hold, compactly.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json holds it.
    Number(Number),
    /// A string.
    Str(Text),
    /// An array.
    List(Box<[Data]>),
    /// An object whose keys are names in the program: a struct's fields, a variant's
    /// name. In the order they came; where a key repeats, the last entry counts.
    Struct(Box<[(&'static str, Data)]>),
    /// An object whose keys were made at run time: a map's. In the order they came;
    /// where a key repeats, the last entry counts.
    Map(Box<[(Box<str>, Data)]>),
}

/// The text of a [`Data::Str`]: up to [`Text::INLINE`] bytes held in place, longer text
/// on the heap. Most strings of a page are short (ids, dates, levels, scores, links),
/// so most take no allocation of their own.
#[derive(Clone)]
pub enum Text {
    /// Short text: its length and its bytes (UTF-8, the first `len` of them).
    Inline(u8, [u8; Text::INLINE]),
    /// Longer text.
    Heap(Box<str>),
}

impl Text {
    /// The most bytes held in place: what fits beside the length in a `Data`.
    pub const INLINE: usize = 22;
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        match u8::try_from(text.len()) {
            Ok(len) if text.len() <= Text::INLINE => {
                let mut bytes = [0; Text::INLINE];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                Text::Inline(len, bytes)
            }
            _ => Text::Heap(text.into()),
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Text::Heap(text) => text,
            // Made from a whole `&str`, so the first `len` bytes are UTF-8; an empty
            // string would be shown for anything else, which cannot happen.
            Text::Inline(len, bytes) => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl Data {
    /// A string.
    pub fn string(text: &str) -> Data {
        Data::Str(text.into())
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Data::Str(text) => Some(text),
            _ => None,
        }
    }

    /// The value of an object's entry `key`, as `serde_json::Map::get`: the last
    /// entry of that key.
    pub fn get(&self, key: &str) -> Option<&Data> {
        match self {
            Data::Struct(entries) => find(entries, key),
            Data::Map(entries) => find(entries, key),
            _ => None,
        }
    }

    /// An object's entries as serde_json's map holds them: sorted by key, a repeated
    /// key once with its last value. `None` for what is not an object.
    pub fn entries(&self) -> Option<Vec<(&str, &Data)>> {
        let mut entries: Vec<(&str, &Data)> = match self {
            Data::Struct(entries) => entries.iter().map(|(k, v)| (*k, v)).collect(),
            Data::Map(entries) => entries.iter().map(|(k, v)| (&**k, v)).collect(),
            _ => return None,
        };
        // Stable, so the entries of a repeated key stay in the order they came.
        entries.sort_by_key(|(key, _)| *key);
        entries.dedup_by(|(later, later_value), (kept, kept_value)| {
            let repeated = later == kept;
            if repeated {
                *kept_value = *later_value;
            }
            repeated
        });
        Some(entries)
    }
}

/// The value of the last entry `key`.
fn find<'a, K: AsRef<str>>(entries: &'a [(K, Data)], key: &str) -> Option<&'a Data> {
    entries
        .iter()
        .rev()
        .find(|(k, _)| k.as_ref() == key)
        .map(|(_, value)| value)
}

/// Why a value could not be made [`Data`] as serde_json would make it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A map key that serde_json writes in its own way (a float) or refuses (not a
    /// string, a number, a bool or a unit variant).
    #[error("map key: {0}")]
    Key(&'static str),
    /// An integer out of the range of `u64` and `i64`.
    #[error("number out of range")]
    NumberOutOfRange,
    /// A map's value came without its key.
    #[error("map value without a key")]
    ValueWithoutKey,
    /// The value's own `Serialize` failed.
    #[error("{0}")]
    Custom(String),
}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(message: T) -> Error {
        Error::Custom(message.to_string())
    }
}

/// `value` as Handlebars would see it through `serde_json::to_value`.
pub fn to_data<T: Serialize + ?Sized>(value: &T) -> Result<Data, Error> {
    value.serialize(Serializer)
}

/// Serializes into [`Data`], following `serde_json::value::Serializer` case by case.
struct Serializer;

impl ser::Serializer for Serializer {
    type Ok = Data;
    type Error = Error;
    type SerializeSeq = List;
    type SerializeTuple = List;
    type SerializeTupleStruct = List;
    type SerializeTupleVariant = Variant<List>;
    type SerializeMap = Map;
    type SerializeStruct = Struct;
    type SerializeStructVariant = Variant<Struct>;

    fn serialize_bool(self, v: bool) -> Result<Data, Error> {
        Ok(Data::Bool(v))
    }

    fn serialize_i8(self, v: i8) -> Result<Data, Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<Data, Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<Data, Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<Data, Error> {
        Ok(Data::Number(v.into()))
    }

    fn serialize_i128(self, v: i128) -> Result<Data, Error> {
        if let Ok(v) = u64::try_from(v) {
            Ok(Data::Number(v.into()))
        } else if let Ok(v) = i64::try_from(v) {
            Ok(Data::Number(v.into()))
        } else {
            Err(Error::NumberOutOfRange)
        }
    }

    fn serialize_u8(self, v: u8) -> Result<Data, Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<Data, Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<Data, Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<Data, Error> {
        Ok(Data::Number(v.into()))
    }

    fn serialize_u128(self, v: u128) -> Result<Data, Error> {
        u64::try_from(v)
            .map(|v| Data::Number(v.into()))
            .map_err(|_| Error::NumberOutOfRange)
    }

    fn serialize_f32(self, v: f32) -> Result<Data, Error> {
        // serde_json widens an f32 to f64 and maps a float that is not finite to null.
        Ok(match serde_json::Value::from(v) {
            serde_json::Value::Number(n) => Data::Number(n),
            _ => Data::Null,
        })
    }

    fn serialize_f64(self, v: f64) -> Result<Data, Error> {
        Ok(Number::from_f64(v).map_or(Data::Null, Data::Number))
    }

    fn serialize_char(self, v: char) -> Result<Data, Error> {
        Ok(Data::string(v.encode_utf8(&mut [0; 4])))
    }

    fn serialize_str(self, v: &str) -> Result<Data, Error> {
        Ok(Data::string(v))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Data, Error> {
        Ok(Data::List(
            v.iter().map(|&b| Data::Number(b.into())).collect(),
        ))
    }

    fn serialize_none(self) -> Result<Data, Error> {
        Ok(Data::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Data, Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Data, Error> {
        Ok(Data::Null)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Data, Error> {
        Ok(Data::Null)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Data, Error> {
        Ok(Data::string(variant))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Data, Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Data, Error> {
        Ok(Data::Struct(Box::new([(variant, to_data(value)?)])))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<List, Error> {
        Ok(List(Vec::with_capacity(len.unwrap_or(0))))
    }

    fn serialize_tuple(self, len: usize) -> Result<List, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<List, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<List>, Error> {
        Ok(Variant {
            name: variant,
            inner: List(Vec::with_capacity(len)),
        })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Map, Error> {
        Ok(Map {
            entries: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Struct, Error> {
        Ok(Struct(Vec::with_capacity(len)))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Struct>, Error> {
        Ok(Variant {
            name: variant,
            inner: Struct(Vec::with_capacity(len)),
        })
    }
}

/// A sequence or tuple being serialized.
struct List(Vec<Data>);

impl ser::SerializeSeq for List {
    type Ok = Data;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.0.push(to_data(value)?);
        Ok(())
    }

    fn end(self) -> Result<Data, Error> {
        Ok(Data::List(self.0.into_boxed_slice()))
    }
}

impl ser::SerializeTuple for List {
    type Ok = Data;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Data, Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for List {
    type Ok = Data;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Data, Error> {
        ser::SerializeSeq::end(self)
    }
}

/// A struct being serialized: its fields, keyed by their names in the program.
struct Struct(Vec<(&'static str, Data)>);

impl ser::SerializeStruct for Struct {
    type Ok = Data;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.0.push((key, to_data(value)?));
        Ok(())
    }

    fn end(self) -> Result<Data, Error> {
        Ok(Data::Struct(self.0.into_boxed_slice()))
    }
}

/// A map being serialized: its entries, keyed by strings made at run time.
struct Map {
    entries: Vec<(Box<str>, Data)>,
    /// The key whose value comes next.
    key: Option<Box<str>>,
}

impl ser::SerializeMap for Map {
    type Ok = Data;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take().ok_or(Error::ValueWithoutKey)?;
        self.entries.push((key, to_data(value)?));
        Ok(())
    }

    fn end(self) -> Result<Data, Error> {
        Ok(Data::Map(self.entries.into_boxed_slice()))
    }
}

/// A tuple or struct variant being serialized: serde_json makes it an object whose one
/// entry, named for the variant, holds the fields.
struct Variant<T> {
    name: &'static str,
    inner: T,
}

impl ser::SerializeTupleVariant for Variant<List> {
    type Ok = Data;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(&mut self.inner, value)
    }

    fn end(self) -> Result<Data, Error> {
        let Variant { name, inner } = self;
        Ok(Data::Struct(Box::new([(
            name,
            Data::List(inner.0.into_boxed_slice()),
        )])))
    }
}

impl ser::SerializeStructVariant for Variant<Struct> {
    type Ok = Data;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }

    fn end(self) -> Result<Data, Error> {
        let Variant { name, inner } = self;
        Ok(Data::Struct(Box::new([(
            name,
            Data::Struct(inner.0.into_boxed_slice()),
        )])))
    }
}

/// Serializes a map key into the string serde_json would make of it, or refuses.
struct KeySerializer;

/// serde_json refuses this key too: it is not a string, a number, a bool, a char or a
/// unit variant.
fn not_a_string<T>() -> Result<T, Error> {
    Err(Error::Key("not a string"))
}

/// The `serialize_*` methods of integer map keys, each writing the key's digits.
macro_rules! integer_keys {
    ($($method:ident: $ty:ty),*) => {
        $(
            fn $method(self, v: $ty) -> Result<Box<str>, Error> {
                Ok(v.to_string().into())
            }
        )*
    };
}

impl ser::Serializer for KeySerializer {
    type Ok = Box<str>;
    type Error = Error;
    type SerializeSeq = ser::Impossible<Box<str>, Error>;
    type SerializeTuple = ser::Impossible<Box<str>, Error>;
    type SerializeTupleStruct = ser::Impossible<Box<str>, Error>;
    type SerializeTupleVariant = ser::Impossible<Box<str>, Error>;
    type SerializeMap = ser::Impossible<Box<str>, Error>;
    type SerializeStruct = ser::Impossible<Box<str>, Error>;
    type SerializeStructVariant = ser::Impossible<Box<str>, Error>;

    fn serialize_bool(self, v: bool) -> Result<Box<str>, Error> {
        Ok(if v { "true" } else { "false" }.into())
    }

    // serde_json writes an integer key as its decimal digits.
    integer_keys!(
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_i128: i128,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_u128: u128
    );

    fn serialize_f32(self, _v: f32) -> Result<Box<str>, Error> {
        // serde_json writes an f32 key with a shortest-f32 formatting of its own.
        Err(Error::Key("an f32"))
    }

    fn serialize_f64(self, v: f64) -> Result<Box<str>, Error> {
        // A finite f64 key is written as its `Number` is; serde_json refuses the others.
        Number::from_f64(v)
            .map(|n| n.to_string().into())
            .ok_or(Error::Key("a float that is not finite"))
    }

    fn serialize_char(self, v: char) -> Result<Box<str>, Error> {
        Ok(v.encode_utf8(&mut [0; 4]).into())
    }

    fn serialize_str(self, v: &str) -> Result<Box<str>, Error> {
        Ok(v.into())
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<Box<str>, Error> {
        not_a_string()
    }

    fn serialize_none(self) -> Result<Box<str>, Error> {
        not_a_string()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<Box<str>, Error> {
        not_a_string()
    }

    fn serialize_unit(self) -> Result<Box<str>, Error> {
        not_a_string()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Box<str>, Error> {
        not_a_string()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Box<str>, Error> {
        Ok(variant.into())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Box<str>, Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Box<str>, Error> {
        not_a_string()
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        not_a_string()
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        not_a_string()
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        not_a_string()
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        not_a_string()
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        not_a_string()
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        not_a_string()
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        not_a_string()
    }
}

/// Serializes as the `serde_json::Value` it stands for, so that
/// `handlebars::Context::wraps(&data)` gives Handlebars the page's data.
impl Serialize for Data {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Data::Null => serializer.serialize_unit(),
            Data::Bool(b) => serializer.serialize_bool(*b),
            Data::Number(n) => n.serialize(serializer),
            Data::Str(text) => serializer.serialize_str(text),
            Data::List(items) => serializer.collect_seq(items.iter()),
            Data::Struct(_) | Data::Map(_) => {
                serializer.collect_map(self.entries().unwrap_or_default())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::{Value, json};
    use std::collections::{BTreeMap, HashMap};

    /// The JSON text of `value` through `serde_json::to_value`: what Handlebars sees,
    /// with objects in serde_json's order and every number as serde_json writes it
    /// (`-0.0` and `0.0` differ here, where `Value`'s `==` calls them equal).
    fn seen<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
        serde_json::to_value(value)
            .and_then(|value| serde_json::to_string(&value))
            .map_err(|e| e.to_string())
    }

    /// Asserts that `value` converts and that Handlebars would see its [`Data`] as it
    /// sees `value`.
    #[track_caller]
    fn same<T: Serialize + ?Sized>(value: &T) -> Data {
        let data = to_data(value).expect("converts");
        assert_eq!(seen(&data), seen(value));
        assert!(seen(value).is_ok());
        data
    }

    #[test]
    fn short_text_is_held_in_place_and_reads_back_whole() {
        for text in [
            "",
            "é",
            "synth-00001",
            "cases/synth-00001.html",
            "audits/synth-00001.html",
            "éééééééééééé",
        ] {
            let held = Text::from(text);
            assert_eq!(&*held, text);
            assert_eq!(
                matches!(held, Text::Inline(..)),
                text.len() <= Text::INLINE,
                "{text}"
            );
            assert_eq!(held, Text::Heap(text.into()));
        }
    }

    #[test]
    fn a_value_is_three_words() {
        assert_eq!(std::mem::size_of::<Data>(), 24);
        assert_eq!(std::mem::size_of::<(&'static str, Data)>(), 40);
    }

    #[test]
    fn strings_and_chars_are_strings() {
        for text in ["", "2", "1–3", "<b>\"&amp;\"</b>", "é😀\n"] {
            assert_eq!(same(text), Data::Str(text.into()));
            assert_eq!(same(&text.to_owned()), Data::string(text));
        }
        assert_eq!(same(&'é'), Data::string("é"));
        assert_eq!(Data::string("x").as_str(), Some("x"));
        assert_eq!(Data::Null.as_str(), None);
        assert_eq!(same(&Data::string("x")), Data::string("x"));
    }

    #[test]
    fn numbers_are_serde_json_numbers() {
        for (value, text) in [
            (same(&0u8), "0"),
            (same(&-1i8), "-1"),
            (same(&u64::MAX), "18446744073709551615"),
            (same(&i64::MIN), "-9223372036854775808"),
            (same(&7usize), "7"),
            (same(&0.1f64), "0.1"),
            (same(&1e21f64), "1e+21"),
            (same(&-0.0f64), "-0.0"),
            (same(&1.0f64), "1.0"),
            (same(&5e-324f64), "5e-324"),
            (same(&0.1f32), "0.10000000149011612"),
            (same(&(u64::MAX as i128)), "18446744073709551615"),
            (same(&(i64::MIN as i128)), "-9223372036854775808"),
            (same(&(u64::MAX as u128)), "18446744073709551615"),
        ] {
            let Data::Number(n) = value else {
                panic!("{text}: {value:?}");
            };
            assert_eq!(n.to_string(), text);
        }
        for float in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(same(&float), Data::Null);
        }
        assert_eq!(same(&f32::NAN), Data::Null);
        // serde_json refuses these too.
        for wide in [i128::MIN, i128::from(u64::MAX) + 1] {
            assert_eq!(to_data(&wide), Err(Error::NumberOutOfRange));
            assert!(seen(&wide).is_err());
        }
        assert_eq!(to_data(&u128::MAX), Err(Error::NumberOutOfRange));
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct Newtype(u8);

    #[derive(Serialize)]
    struct Pair(u8, &'static str);

    #[derive(Serialize)]
    #[serde(rename_all = "kebab-case")]
    enum Variant {
        UnitOne,
        Newtype(f64),
        Tuple(u8, Option<String>),
        Struct { z: bool, a: Vec<u8> },
    }

    #[test]
    fn units_options_newtypes_tuples_and_variants_are_as_in_serde_json() {
        assert_eq!(same(&()), Data::Null);
        assert_eq!(same(&Unit), Data::Null);
        assert_eq!(same(&None::<u8>), Data::Null);
        assert_eq!(same(&Some(Some(3u8))), Data::Number(3u8.into()));
        assert_eq!(same(&Some(None::<u8>)), Data::Null);
        assert_eq!(same(&Newtype(4)), Data::Number(4u8.into()));
        assert_eq!(
            same(&Pair(1, "x")),
            Data::List(Box::new([Data::Number(1u8.into()), Data::string("x")]))
        );
        assert_eq!(
            same(&(1u8, 'c', "s")),
            to_data(&json!([1, "c", "s"])).expect("json")
        );
        assert_eq!(same(&Variant::UnitOne), Data::string("unit-one"));
        assert_eq!(
            same(&Variant::Newtype(0.5)),
            Data::Struct(Box::new([(
                "newtype",
                Data::Number(Number::from_f64(0.5).expect("finite"))
            )]))
        );
        same(&Variant::Tuple(1, None));
        same(&Variant::Struct {
            z: true,
            a: vec![1, 2],
        });
        same(&vec![Variant::UnitOne, Variant::Tuple(2, Some("t".into()))]);
        same(serde_bytes_like());
    }

    /// Bytes serialized as bytes (not as a sequence), as `serde_bytes` would.
    fn serde_bytes_like() -> &'static impl Serialize {
        struct Bytes;
        impl Serialize for Bytes {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(b"\x00\xffab")
            }
        }
        &Bytes
    }

    #[derive(Serialize)]
    struct View<'a> {
        zeta: String,
        alpha: &'static str,
        #[serde(rename = "override")]
        override_: Option<Inner>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        list: Vec<Inner>,
        inner: &'a Inner,
        open: bool,
        weight: f64,
        fail_under: Option<f64>,
        status: Variant,
    }

    #[derive(Serialize)]
    struct Inner {
        value: String,
        count: usize,
    }

    #[test]
    fn a_structs_entries_are_sorted_as_serde_json_sorts_them() {
        let inner = Inner {
            value: "<b>é</b>".into(),
            count: 2,
        };
        let view = View {
            zeta: "z".repeat(30),
            alpha: "effort",
            override_: None,
            skipped: None,
            list: vec![
                Inner {
                    value: String::new(),
                    count: 0,
                },
                Inner {
                    value: "x".into(),
                    count: 1,
                },
            ],
            inner: &inner,
            open: false,
            weight: 1.0,
            fail_under: Some(50.0),
            status: Variant::UnitOne,
        };
        let data = same(&view);
        assert!(matches!(data, Data::Struct(_)));
        let entries = data.entries().expect("an object");
        let keys: Vec<&str> = entries.iter().map(|(key, _)| *key).collect();
        assert_eq!(
            keys,
            [
                "alpha",
                "fail_under",
                "inner",
                "list",
                "open",
                "override",
                "status",
                "weight",
                "zeta"
            ]
        );
        assert_eq!(data.get("alpha"), Some(&Data::string("effort")));
        assert_eq!(data.get("override"), Some(&Data::Null));
        assert_eq!(data.get("skipped"), None);
        assert_eq!(
            data.get("inner").and_then(|i| i.get("count")),
            Some(&Data::Number(2u8.into()))
        );
        assert_eq!(Data::string("x").get("x"), None);
        assert_eq!(Data::string("x").entries(), None);
    }

    #[derive(Serialize)]
    struct Flattened {
        b: u8,
        #[serde(flatten)]
        rest: Inner,
        #[serde(flatten)]
        extra: BTreeMap<String, u8>,
    }

    #[test]
    fn maps_and_flattened_structs_have_run_time_keys_as_in_serde_json() {
        let flattened = Flattened {
            b: 1,
            rest: Inner {
                value: "v".into(),
                count: 3,
            },
            extra: BTreeMap::from([("a".into(), 0), ("count".into(), 9)]),
        };
        let data = same(&flattened);
        assert!(matches!(data, Data::Map(_)));
        // A repeated key keeps the last value, as serde_json's map does.
        let nine = Data::Number(9u8.into());
        assert_eq!(data.get("count"), Some(&nine));
        let entries = data.entries().expect("an object");
        assert_eq!(
            entries.iter().map(|(key, _)| *key).collect::<Vec<_>>(),
            ["a", "b", "count", "value"]
        );
        assert_eq!(entries.get(2), Some(&("count", &nine)));
        // In a struct too, were a hand-written `Serialize` to name a field twice.
        let twice = Data::Struct(Box::new([
            ("k", Data::Bool(false)),
            ("a", Data::Null),
            ("k", Data::Bool(true)),
        ]));
        assert_eq!(twice.get("k"), Some(&Data::Bool(true)));
        assert_eq!(seen(&twice), Ok(r#"{"a":null,"k":true}"#.to_owned()));
        same(&HashMap::from([(3u32, "three"), (10, "ten"), (2, "two")]));
        same(&BTreeMap::from([(-1i64, 1), (i64::MIN, 2)]));
        same(&BTreeMap::from([(true, 1), (false, 0)]));
        same(&BTreeMap::from([('b', 1), ('é', 0)]));
        same(&BTreeMap::from([(i128::MAX, 1)]));
        same(&BTreeMap::from([(Newtype(7), 1)]));
        same(&HashMap::<String, u8>::new());
        same(&float_keys(&[0.1, -0.0, 1e21, 2.0]));
        assert_eq!(
            to_data(&float_keys(&[f64::NAN])),
            Err(Error::Key("a float that is not finite"))
        );
        assert!(seen(&float_keys(&[f64::NAN])).is_err());
    }

    /// A map with these float keys.
    fn float_keys(keys: &[f64]) -> impl Serialize + '_ {
        struct Keys<'a>(&'a [f64]);
        impl Serialize for Keys<'_> {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|k| (k, 1)))
            }
        }
        Keys(keys)
    }

    #[test]
    fn what_serde_json_writes_its_own_way_or_refuses_is_an_error() {
        #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
        struct Key(u8, u8);
        #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
        enum Keyed {
            Some(u8),
        }
        assert_eq!(
            to_data(&BTreeMap::from([(Key(1, 2), 0)])),
            Err(Error::Key("not a string"))
        );
        assert!(seen(&BTreeMap::from([(Key(1, 2), 0)])).is_err());
        assert!(to_data(&BTreeMap::from([(Keyed::Some(1), 0)])).is_err());
        assert!(seen(&BTreeMap::from([(Keyed::Some(1), 0)])).is_err());
        assert!(to_data(&BTreeMap::from([(None::<u8>, 0)])).is_err());
        // serde_json writes an f32 key in a way of its own: declined, not guessed.
        struct F32Key;
        impl Serialize for F32Key {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map([(0.1f32, 1)])
            }
        }
        assert_eq!(to_data(&F32Key), Err(Error::Key("an f32")));
        assert!(seen(&F32Key).is_ok());
        struct Failing;
        impl Serialize for Failing {
            fn serialize<S: ser::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(ser::Error::custom("no"))
            }
        }
        assert_eq!(to_data(&vec![Failing]), Err(Error::Custom("no".into())));
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9 <>&\"'`=|*_\\\\\n–é€😀]{0,30}",
            any::<String>(),
            Just(String::new()),
        ]
    }

    fn float() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            prop::sample::select(
                &[
                    0.1,
                    1e21,
                    1e-7,
                    -0.0,
                    0.0,
                    1.0,
                    5e-324,
                    f64::MAX,
                    f64::MIN,
                    f64::NAN,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ][..]
            ),
        ]
    }

    /// Random JSON: every serde_json value, its objects with any keys.
    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            float().prop_map(Value::from),
            text().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(text(), inner, 0..6)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    #[derive(Debug, Clone, Serialize)]
    #[serde(rename_all = "kebab-case")]
    enum Shape {
        Empty,
        Sized(f32),
        Pair(i16, char),
        Named { text: String, n: Option<u128> },
    }

    #[derive(Debug, Clone, Serialize)]
    struct Row {
        text: String,
        count: usize,
        signed: i64,
        wide: i128,
        weight: f64,
        small: f32,
        open: bool,
        note: Option<String>,
        nested: Option<Option<u8>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<String>,
        #[serde(rename = "override")]
        override_: Option<Box<Row>>,
        shapes: Vec<Shape>,
        by_name: BTreeMap<String, Shape>,
        by_number: HashMap<u16, Vec<f64>>,
        pair: (char, Option<bool>),
        json: Value,
    }

    fn shape() -> impl Strategy<Value = Shape> {
        prop_oneof![
            Just(Shape::Empty),
            any::<f32>().prop_map(Shape::Sized),
            (any::<i16>(), any::<char>()).prop_map(|(a, b)| Shape::Pair(a, b)),
            (text(), prop::option::of(any::<u64>())).prop_map(|(text, n)| Shape::Named {
                text,
                n: n.map(u128::from)
            }),
        ]
    }

    fn row() -> impl Strategy<Value = Row> {
        let scalars = (
            text(),
            any::<usize>(),
            any::<i64>(),
            any::<i64>().prop_map(i128::from),
            float(),
            any::<f32>(),
            any::<bool>(),
            prop::option::of(text()),
            prop::option::of(prop::option::of(any::<u8>())),
            prop::option::of(text()),
        );
        let collections = (
            prop::collection::vec(shape(), 0..4),
            prop::collection::btree_map(text(), shape(), 0..4),
            prop::collection::hash_map(any::<u16>(), prop::collection::vec(float(), 0..3), 0..3),
            (any::<char>(), prop::option::of(any::<bool>())),
            json(),
        );
        (scalars, collections).prop_map(
            |(
                (text, count, signed, wide, weight, small, open, note, nested, skipped),
                (shapes, by_name, by_number, pair, json),
            )| Row {
                text,
                count,
                signed,
                wide,
                weight,
                small,
                open,
                note,
                nested,
                skipped,
                override_: None,
                shapes,
                by_name,
                by_number,
                pair,
                json,
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Any JSON converts, and Handlebars would see its [`Data`] as it sees the JSON.
        #[test]
        fn random_json_is_seen_the_same(value in json()) {
            let data = to_data(&value).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(seen(&data), seen(&value));
        }

        /// Random nested structs, enums, options, tuples and maps: each converts, and
        /// Handlebars would see its [`Data`] as it sees the value itself.
        #[test]
        fn random_views_are_seen_the_same(row in row(), inner in prop::option::of(row())) {
            let row = Row { override_: inner.map(Box::new), ..row };
            let data = to_data(&row).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(seen(&data), seen(&row));
            prop_assert!(seen(&row).is_ok());
        }
    }
}
