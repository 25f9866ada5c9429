//! Builders of the calls that take optional settings: create and import.
//!
//! As in aws-sdk-rust, [`Client::create_keypair`](crate::Client::create_keypair) takes what
//! the call needs and returns a builder; the optional parts are setters, and
//! [`send`](CreateKeypairBuilder::send) makes the call. Each setter has a `set_` twin taking
//! an `Option`, for callers that hold one.
//!
//! Both calls take the same optional parts, so one [`KeypairBuilder`] holds them; the
//! marker [`Create`] or [`Import`] says which call `send` makes.

use bcc_keypair_model::{KeypairDescription, KeypairModel, KeypairName, PublicKey};

use crate::client::Client;
use crate::error::Error;
use crate::operation::{self, ClientToken, Operation};
use crate::transport::Transport;

/// A create or import call being set up; [`send`](CreateKeypairBuilder::send) makes it.
/// Use it through [`CreateKeypairBuilder`] and [`ImportKeypairBuilder`].
#[derive(Debug)]
#[must_use = "a builder does nothing until `send` is awaited"]
pub struct KeypairBuilder<'a, T, Call> {
    client: &'a Client<T>,
    name: KeypairName,
    call: Call,
    description: Option<KeypairDescription>,
    client_token: Option<ClientToken>,
}

/// Marks a [`KeypairBuilder`] that creates a key pair (`keypair-api.md` §6.1).
#[derive(Debug)]
pub struct Create;

/// Marks a [`KeypairBuilder`] that imports a public key (`keypair-api.md` §6.2).
#[derive(Debug)]
pub struct Import {
    public_key: PublicKey,
}

/// A create call being set up; [`send`](Self::send) makes it (`keypair-api.md` §6.1).
pub type CreateKeypairBuilder<'a, T> = KeypairBuilder<'a, T, Create>;

/// An import call being set up; [`send`](Self::send) makes it (`keypair-api.md` §6.2).
pub type ImportKeypairBuilder<'a, T> = KeypairBuilder<'a, T, Import>;

impl<'a, T> CreateKeypairBuilder<'a, T> {
    pub(crate) fn new(client: &'a Client<T>, name: KeypairName) -> Self {
        KeypairBuilder::with_call(client, name, Create)
    }
}

impl<'a, T> ImportKeypairBuilder<'a, T> {
    pub(crate) fn new(client: &'a Client<T>, name: KeypairName, public_key: PublicKey) -> Self {
        KeypairBuilder::with_call(client, name, Import { public_key })
    }
}

impl<'a, T, Call> KeypairBuilder<'a, T, Call> {
    fn with_call(client: &'a Client<T>, name: KeypairName, call: Call) -> Self {
        Self {
            client,
            name,
            call,
            description: None,
            client_token: None,
        }
    }

    /// The description (none by default).
    pub fn description(self, description: KeypairDescription) -> Self {
        self.set_description(Some(description))
    }

    /// Sets or clears the description.
    pub fn set_description(mut self, description: Option<KeypairDescription>) -> Self {
        self.description = description;
        self
    }

    /// The idempotency token, for a caller that repeats a whole call later and wants the
    /// service to recognise it (for instance the [`Error::client_token`] of a failed call).
    /// By default each call makes a fresh random token, which all its attempts reuse.
    pub fn client_token(self, token: ClientToken) -> Self {
        self.set_client_token(Some(token))
    }

    /// Sets or clears the idempotency token (cleared: a fresh random one).
    pub fn set_client_token(mut self, token: Option<ClientToken>) -> Self {
        self.client_token = token;
        self
    }
}

impl<T: Transport> CreateKeypairBuilder<'_, T> {
    /// Creates the key pair; the service generates it and returns the private key, once, in
    /// [`KeypairModel::private_key`].
    ///
    /// # Errors
    ///
    /// [`Error::Service`] (e.g. `Keypair.KeypairQuotaExceedLimit`), [`Error::Transport`],
    /// [`Error::Decode`]; each carries the [`client_token`](Error::client_token) it sent.
    pub async fn send(self) -> Result<KeypairModel, Error> {
        let token = self.client_token.unwrap_or_else(ClientToken::random);
        let request =
            operation::create_keypair_request(&self.name, self.description.as_ref(), &token)?;
        let response = self.client.send(&request).await?;
        operation::decode_keypair(Operation::CreateKeypair, &response)
            .map_err(|error| error.in_call(Operation::CreateKeypair, Some(&token)))
    }
}

impl<T: Transport> ImportKeypairBuilder<'_, T> {
    /// Imports the public key as a key pair.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] (e.g. `Keypair.KeypairPublicKeyExist`), [`Error::Transport`],
    /// [`Error::Decode`]; each carries the [`client_token`](Error::client_token) it sent.
    pub async fn send(self) -> Result<KeypairModel, Error> {
        let token = self.client_token.unwrap_or_else(ClientToken::random);
        let request = operation::import_keypair_request(
            &self.name,
            self.description.as_ref(),
            &self.call.public_key,
            &token,
        )?;
        let response = self.client.send(&request).await?;
        operation::decode_keypair(Operation::ImportKeypair, &response)
            .map_err(|error| error.in_call(Operation::ImportKeypair, Some(&token)))
    }
}
