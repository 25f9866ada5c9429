//! A local simulator of the BCC key-pair API.
#![deny(missing_docs)]
