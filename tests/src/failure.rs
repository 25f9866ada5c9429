//! Why a scenario failed, and the assertion macros that produce it.

use std::fmt;

/// The result of one scenario body.
pub type Outcome = Result<(), Failure>;

/// A scenario failure: a readable message naming what was expected and what arrived.
///
/// Any `std::error::Error` converts into a `Failure` (its whole `source()` chain is kept in the
/// message), so `?` works on client, model and IO results inside scenarios. `Failure` itself
/// deliberately does not implement `Error`, which is what makes that blanket conversion legal.
pub struct Failure {
    message: String,
}

impl Failure {
    /// A failure with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefixes the message with what was being done.
    #[must_use]
    pub fn within(self, what: impl fmt::Display) -> Self {
        Self::new(format!("{what}: {}", self.message))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<E: std::error::Error> From<E> for Failure {
    fn from(error: E) -> Self {
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            let text = cause.to_string();
            // Many error types repeat their source in their own message; skip exact repeats.
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = cause.source();
        }
        Self::new(message)
    }
}

/// Adds "what was being done" to an error on its way out of a scenario.
pub trait Context<T> {
    /// Wraps the error (or `None`) in a [`Failure`] prefixed with `what`.
    fn context(self, what: impl fmt::Display) -> Result<T, Failure>;
}

impl<T, E: Into<Failure>> Context<T> for Result<T, E> {
    fn context(self, what: impl fmt::Display) -> Result<T, Failure> {
        self.map_err(|error| error.into().within(what))
    }
}

impl<T> Context<T> for Option<T> {
    fn context(self, what: impl fmt::Display) -> Result<T, Failure> {
        self.ok_or_else(|| Failure::new(format!("{what}: missing")))
    }
}

/// Fails the scenario with a formatted message unless the condition holds.
#[macro_export]
macro_rules! check {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return ::core::result::Result::Err($crate::Failure::new(format!($($message)+)));
        }
    };
}

/// Fails the scenario unless both sides are equal, showing both values.
#[macro_export]
macro_rules! check_eq {
    ($left:expr, $right:expr, $($message:tt)+) => {
        match (&$left, &$right) {
            (left, right) => {
                if left != right {
                    return ::core::result::Result::Err($crate::Failure::new(format!(
                        "{}: expected {:?}, got {:?}",
                        format!($($message)+),
                        right,
                        left
                    )));
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Inner;
    impl fmt::Display for Inner {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("inner cause")
        }
    }
    impl std::error::Error for Inner {}

    #[derive(Debug)]
    struct Outer(Inner);
    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("outer")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn conversion_keeps_the_source_chain() {
        let failure = Failure::from(Outer(Inner));
        assert_eq!(failure.message(), "outer: inner cause");
    }

    #[test]
    fn context_prefixes_what_was_being_done() {
        let result: Result<(), Outer> = Err(Outer(Inner));
        let failure = result.context("creating a key pair").unwrap_err();
        assert_eq!(failure.message(), "creating a key pair: outer: inner cause");
        let missing: Option<u8> = None;
        assert_eq!(
            missing.context("nextMarker").unwrap_err().message(),
            "nextMarker: missing"
        );
    }

    fn compare(left: u32, right: u32) -> Outcome {
        check_eq!(left, right, "instanceCount of {}", "k-1");
        check!(left < 10, "{left} too big");
        Ok(())
    }

    #[test]
    fn check_macros_report_both_values() {
        assert!(compare(1, 1).is_ok());
        assert_eq!(
            compare(2, 1).unwrap_err().message(),
            "instanceCount of k-1: expected 1, got 2"
        );
        assert_eq!(compare(11, 11).unwrap_err().message(), "11 too big");
    }
}
