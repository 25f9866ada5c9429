//! Exit statuses by class of failure, so that scripts can tell "not there" from "try
//! again later" without reading stderr.
//!
//! | status | class |
//! |--------|-------|
//! | 0 | success |
//! | 1 | anything else: input refused before sending, a file that cannot be read or written, a bad endpoint |
//! | 2 | usage: the command line itself is wrong (clap's own status) |
//! | 3 | authentication: no credentials, or the service refused them (`AccessDenied`, `SignatureDoesNotMatch`, …) |
//! | 4 | not found: `Keypair.KeypairNotExist`, `Keypair.InstanceNotExist`, any other 404 |
//! | 5 | conflict or quota: the key pair or instance is in a state that forbids it, a duplicate, the quota |
//! | 6 | service or network: a 5xx, no response, or a response that could not be read |

use std::fmt;
use std::process::ExitCode;

use bcc_keypair_client::{Error as ClientError, ServiceError};
use bcc_keypair_model::ErrorCode;

/// The `--help` text of the exit statuses; the same table as the module docs and the README.
pub(crate) const EXIT_STATUS_HELP: &str = "\
Exit status:
  0  success
  1  other failure (input refused before sending, a local file, a bad endpoint)
  2  usage: the command line is wrong
  3  authentication: no credentials, or the service refused them
  4  not found: the key pair or instance does not exist
  5  conflict or quota: a duplicate, a key pair in use, an instance state, the quota
  6  service or network: a 5xx answer, no answer, or an unreadable answer";

/// The class of a failure; its discriminant is the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExitClass {
    Other = 1,
    Usage = 2,
    Authentication = 3,
    NotFound = 4,
    Conflict = 5,
    Service = 6,
}

impl ExitClass {
    /// The name written in `--json` error objects.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Other => "other",
            Self::Usage => "usage",
            Self::Authentication => "authentication",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::Service => "service",
        }
    }

    pub(crate) fn status(self) -> u8 {
        self as u8
    }

    pub(crate) fn exit_code(self) -> ExitCode {
        ExitCode::from(self.status())
    }

    /// The class of `error`, by the first cause in its chain that says.
    pub(crate) fn of(error: &anyhow::Error) -> Self {
        for cause in error.chain() {
            if let Some(client_error) = cause.downcast_ref::<ClientError>() {
                return Self::of_client_error(client_error);
            }
            if cause.downcast_ref::<MissingCredential>().is_some() {
                return Self::Authentication;
            }
        }
        Self::Other
    }

    fn of_client_error(error: &ClientError) -> Self {
        match error {
            ClientError::Service(service) => Self::of_service_error(service),
            ClientError::Transport(_) | ClientError::Decode(_) => Self::Service,
            _ => Self::Other,
        }
    }

    /// By the code where it says, else by the status (an unknown code, a proxy's answer).
    fn of_service_error(error: &ServiceError) -> Self {
        match error.code {
            ErrorCode::AccessDenied
            | ErrorCode::InvalidAccessKeyId
            | ErrorCode::InvalidHttpAuthHeader
            | ErrorCode::SignatureDoesNotMatch
            | ErrorCode::RequestExpired
            | ErrorCode::OptInRequired
            | ErrorCode::QualifyNotPass => Self::Authentication,
            ErrorCode::KeypairNotExist | ErrorCode::InstanceNotExist => Self::NotFound,
            ErrorCode::KeypairQuotaExceedLimit
            | ErrorCode::KeypairPublicKeyExist
            | ErrorCode::DeleteKeypairInUse
            | ErrorCode::InstanceStatusForbidden
            | ErrorCode::AttachAttachedKeypair
            | ErrorCode::IdempotentParameterMismatch
            | ErrorCode::PreconditionFailed
            | ErrorCode::UnsupportOsType => Self::Conflict,
            _ => match error.status {
                500..=599 => Self::Service,
                401 | 403 => Self::Authentication,
                404 => Self::NotFound,
                409 | 412 | 413 | 429 => Self::Conflict,
                _ => Self::Other,
            },
        }
    }
}

/// A credential the command needs and was not given.
#[derive(Debug)]
pub(crate) struct MissingCredential(pub(crate) &'static str);

impl fmt::Display for MissingCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for MissingCredential {}
