//! [`File`]: the value of a `format: binary` field, sent as a file part of a
//! `multipart/form-data` body.

use std::fmt;

use bytes::Bytes;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A file to upload: its bytes, and the name and media type its part
/// announces.
#[derive(Clone, PartialEq, Eq)]
pub struct File {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl File {
    /// A file holding `bytes`, sent as `application/octet-stream` with no
    /// file name unless set.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name the part announces (`filename="..."`).
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's media type, e.g. `image/png`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file's contents.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The file name, when set.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type, `application/octet-stream` unless set.
    pub fn media_type(&self) -> &str {
        self.content_type
            .as_deref()
            .unwrap_or("application/octet-stream")
    }
}

impl fmt::Debug for File {
    /// The length, not the contents: files can be large.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Vec<u8>> for File {
    fn from(bytes: Vec<u8>) -> Self {
        File::new(bytes)
    }
}

impl From<Bytes> for File {
    fn from(bytes: Bytes) -> Self {
        File::new(bytes)
    }
}

/// Outside multipart bodies a binary value is its bytes; JSON has no bytes,
/// so it is written as an array of numbers.
impl Serialize for File {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.bytes)
    }
}

/// Read from a string (its UTF-8 bytes) or an array of bytes.
impl<'de> Deserialize<'de> for File {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FileVisitor;

        impl<'de> Visitor<'de> for FileVisitor {
            type Value = File;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of bytes")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<File, E> {
                Ok(File::new(text.as_bytes().to_vec()))
            }

            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<File, E> {
                Ok(File::new(bytes.to_vec()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<File, A::Error> {
                let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(byte) = seq.next_element::<u8>()? {
                    bytes.push(byte);
                }
                Ok(File::new(bytes))
            }
        }

        deserializer.deserialize_any(FileVisitor)
    }
}
