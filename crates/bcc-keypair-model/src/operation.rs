//! The nine key-pair operations as one vocabulary for the client and the simulator
//! (`keypair-api.md` §2).

use std::fmt;

/// One of the nine key-pair operations, with what the wire says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `POST /v2/keypair`: the service generates a key pair.
    CreateKeypair,
    /// `PUT /v2/keypair?import`: register an existing public key.
    ImportKeypair,
    /// `GET /v2/keypair`: one page of key pairs.
    ListKeypairs,
    /// `GET /v2/keypair/{id}`.
    GetKeypair,
    /// `PUT /v2/keypair/{id}?attach`: bind to instances.
    AttachKeypair,
    /// `PUT /v2/keypair/{id}?detach`: unbind from instances.
    DetachKeypair,
    /// `DELETE /v2/keypair/{id}`.
    DeleteKeypair,
    /// `PUT /v2/keypair/{id}?rename`.
    RenameKeypair,
    /// `PUT /v2/keypair/{id}?updateDesc`.
    UpdateKeypairDescription,
}

impl Operation {
    /// Every operation, in the order of the API documentation.
    pub const ALL: [Operation; 9] = [
        Operation::CreateKeypair,
        Operation::ImportKeypair,
        Operation::ListKeypairs,
        Operation::GetKeypair,
        Operation::AttachKeypair,
        Operation::DetachKeypair,
        Operation::DeleteKeypair,
        Operation::RenameKeypair,
        Operation::UpdateKeypairDescription,
    ];

    /// The operation's name in logs and errors, e.g. `create_keypair`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Operation::CreateKeypair => "create_keypair",
            Operation::ImportKeypair => "import_keypair",
            Operation::ListKeypairs => "list_keypairs",
            Operation::GetKeypair => "get_keypair",
            Operation::AttachKeypair => "attach_keypair",
            Operation::DetachKeypair => "detach_keypair",
            Operation::DeleteKeypair => "delete_keypair",
            Operation::RenameKeypair => "rename_keypair",
            Operation::UpdateKeypairDescription => "update_keypair_description",
        }
    }

    /// The short name: the action word where the operation has one, else `list` or `get`.
    /// The simulator's control API and journal name operations this way.
    #[must_use]
    pub fn short_name(self) -> &'static str {
        match self {
            Operation::ListKeypairs => "list",
            Operation::GetKeypair => "get",
            Operation::CreateKeypair => "create",
            Operation::DeleteKeypair => "delete",
            other => other.action().unwrap_or_default(),
        }
    }

    /// Finds the operation whose [`name`](Operation::name) or
    /// [`short_name`](Operation::short_name) is `name`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::ALL
            .into_iter()
            .find(|op| op.name() == name || op.short_name() == name)
    }

    /// The documented HTTP method (`keypair-api.md` §2). The simulator also routes the
    /// variants the SDKs send (§3), such as `POST /v2/keypair?import`.
    #[must_use]
    pub fn method(self) -> &'static str {
        match self {
            Operation::CreateKeypair => "POST",
            Operation::ListKeypairs | Operation::GetKeypair => "GET",
            Operation::DeleteKeypair => "DELETE",
            Operation::ImportKeypair
            | Operation::AttachKeypair
            | Operation::DetachKeypair
            | Operation::RenameKeypair
            | Operation::UpdateKeypairDescription => "PUT",
        }
    }

    /// The action word: a query parameter without a value that names the operation
    /// (`?attach`, or `?attach=` from Python). Create and delete have none in the current
    /// documentation, although some SDKs add `create` or `delete` (`keypair-api.md` §3).
    #[must_use]
    pub fn action(self) -> Option<&'static str> {
        match self {
            Operation::ImportKeypair => Some("import"),
            Operation::AttachKeypair => Some("attach"),
            Operation::DetachKeypair => Some("detach"),
            Operation::RenameKeypair => Some("rename"),
            Operation::UpdateKeypairDescription => Some("updateDesc"),
            Operation::CreateKeypair
            | Operation::ListKeypairs
            | Operation::GetKeypair
            | Operation::DeleteKeypair => None,
        }
    }

    /// Whether the path names one key pair (`/v2/keypair/{id}`) rather than the collection.
    #[must_use]
    pub fn targets_one_keypair(self) -> bool {
        !matches!(
            self,
            Operation::CreateKeypair | Operation::ImportKeypair | Operation::ListKeypairs
        )
    }

    /// Whether the operation changes state (and so is persisted by the simulator).
    #[must_use]
    pub fn changes_state(self) -> bool {
        !matches!(self, Operation::ListKeypairs | Operation::GetKeypair)
    }

    /// Whether sending this operation twice has the effect of sending it once, so a client
    /// may retry it after a timeout or a broken connection, when the first attempt may
    /// have reached the service.
    ///
    /// Reads are harmless to repeat; rename and update description set the same value
    /// again; detach of an instance that is no longer bound is a documented no-op
    /// (`keypair-api.md` §6.6). Create and import carry a `clientToken`, reused by every
    /// attempt, so the service returns the key pair of the first attempt instead of making
    /// a second one. Attach and delete are not: a repeat after a success answers an
    /// "already attached" or "does not exist" error and hides the success.
    #[must_use]
    pub fn is_retry_safe(self) -> bool {
        !matches!(self, Operation::AttachKeypair | Operation::DeleteKeypair)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Operation;

    #[test]
    fn names_are_unique_and_round_trip() {
        for op in Operation::ALL {
            assert_eq!(Operation::from_name(op.name()), Some(op));
            assert_eq!(Operation::from_name(op.short_name()), Some(op));
            let clashes = Operation::ALL
                .iter()
                .filter(|other| other.short_name() == op.short_name() || other.name() == op.name())
                .count();
            assert_eq!(clashes, 1, "{op} shares a name");
        }
        assert_eq!(Operation::from_name("nope"), None);
    }

    #[test]
    fn the_routing_table_of_keypair_api_section_2() {
        let table: Vec<_> = Operation::ALL
            .iter()
            .map(|op| (op.method(), op.targets_one_keypair(), op.action()))
            .collect();
        assert_eq!(
            table,
            [
                ("POST", false, None),
                ("PUT", false, Some("import")),
                ("GET", false, None),
                ("GET", true, None),
                ("PUT", true, Some("attach")),
                ("PUT", true, Some("detach")),
                ("DELETE", true, None),
                ("PUT", true, Some("rename")),
                ("PUT", true, Some("updateDesc")),
            ]
        );
    }

    #[test]
    fn only_reads_leave_state_alone_and_only_attach_and_delete_are_unsafe_to_retry() {
        for op in Operation::ALL {
            assert_eq!(op.changes_state(), op.method() != "GET", "{op}");
            let unsafe_to_retry = matches!(op, Operation::AttachKeypair | Operation::DeleteKeypair);
            assert_eq!(op.is_retry_safe(), !unsafe_to_retry, "{op}");
        }
    }
}
