//! `bcc-keypair`: a command-line tool for BCC key pairs.
//!
//! One subcommand per API operation. The endpoint comes from `--endpoint URL` (or
//! `BCC_ENDPOINT`), which wins over `--region R` (or `BCC_REGION`); credentials from
//! `--access-key-id`/`--secret-access-key`/`--session-token` or the
//! `BCE_ACCESS_KEY_ID`/`BCE_SECRET_ACCESS_KEY`/`BCE_SESSION_TOKEN` variables. Output is a
//! table, or JSON with `--json`. On failure the error code, message and request id go to
//! stderr (one JSON object with `--json`) and the exit status tells the class of failure
//! (see [`exit_status`]). `bcc-keypair completions bash|zsh|fish` prints a completion script.
//!
//! ```text
//! export BCE_ACCESS_KEY_ID=… BCE_SECRET_ACCESS_KEY=…
//! bcc-keypair --region bj create --name deploy --private-key-file deploy.pem
//! bcc-keypair --region bj --json list --max-keys 20
//! bcc-keypair --endpoint http://127.0.0.1:8480 get k-AbCd1234     # the simulator
//! ```
//!
//! The binary has no features of its own; it uses the client's `reqwest` transport.

mod exit_status;
mod output;
mod private_key;

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use bcc_keypair_client::{Client, Config, Credentials, Endpoint, ListKeypairs, ReqwestTransport};
use bcc_keypair_model::{InstanceId, KeypairDescription, KeypairId, KeypairName, PublicKey};
use clap::{Args, CommandFactory as _, Parser, Subcommand};
use futures_util::TryStreamExt;

use crate::exit_status::{EXIT_STATUS_HELP, ExitClass, MissingCredential};

/// Manage BCC (Baidu Cloud Compute) SSH key pairs.
#[derive(Debug, Parser)]
#[command(name = "bcc-keypair", version, about, after_help = EXIT_STATUS_HELP)]
struct Cli {
    #[command(flatten)]
    connection: ConnectionArgs,
    /// Print JSON instead of a table, and errors as one JSON object on stderr.
    #[arg(long, global = true)]
    json: bool,
    /// Log each request and retry to stderr (filter with RUST_LOG).
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct ConnectionArgs {
    /// Service URL (see the help text for examples); wins over the region.
    #[arg(
        long,
        env = "BCC_ENDPOINT",
        global = true,
        help = "Service URL, e.g. https://bcc.bj.baidubce.com or http://127.0.0.1:8480; wins over --region"
    )]
    endpoint: Option<String>,
    /// Region; the endpoint is `https://bcc.{region}.baidubce.com` unless `--endpoint` is given.
    #[arg(long, env = "BCC_REGION", global = true)]
    region: Option<String>,
    /// Access key id.
    #[arg(long, env = "BCE_ACCESS_KEY_ID", global = true, hide_env_values = true)]
    access_key_id: Option<String>,
    /// Secret access key.
    #[arg(
        long,
        env = "BCE_SECRET_ACCESS_KEY",
        global = true,
        hide_env_values = true
    )]
    secret_access_key: Option<String>,
    /// STS session token.
    #[arg(long, env = "BCE_SESSION_TOKEN", global = true, hide_env_values = true)]
    session_token: Option<String>,
    /// Attempts per request, retries included.
    #[arg(long, global = true, default_value_t = 3)]
    max_attempts: u32,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a key pair; the service generates it and returns the private key once.
    Create {
        /// Name: a letter first, then letters, digits, Chinese characters, - _ / . (1-65).
        #[arg(long)]
        name: String,
        /// Description (0-140 characters).
        #[arg(long)]
        description: Option<String>,
        /// Write the private key to this file (mode 0600) instead of printing it.
        #[arg(long)]
        private_key_file: Option<PathBuf>,
        /// Overwrite the private key file if it exists.
        #[arg(long, requires = "private_key_file")]
        force: bool,
    },
    /// Import an existing OpenSSH public key.
    Import {
        /// Name.
        #[arg(long)]
        name: String,
        /// Description.
        #[arg(long)]
        description: Option<String>,
        /// The public key text (`ssh-rsa AAAA… comment`).
        #[arg(
            long,
            conflicts_with = "public_key_file",
            required_unless_present = "public_key_file"
        )]
        public_key: Option<String>,
        /// A file holding the public key (e.g. ~/.ssh/id_rsa.pub).
        #[arg(long)]
        public_key_file: Option<PathBuf>,
    },
    /// List key pairs: one page, or every page with --all.
    List {
        /// Start at this marker (the nextMarker of a previous page).
        #[arg(long, conflicts_with = "all")]
        marker: Option<String>,
        /// Page size (the service caps it at 1000).
        #[arg(long)]
        max_keys: Option<u32>,
        /// Only key pairs with exactly this name.
        #[arg(long)]
        name: Option<String>,
        /// Follow nextMarker through every page.
        #[arg(long)]
        all: bool,
    },
    /// Show one key pair.
    Get {
        /// Key pair id (k-…).
        id: String,
    },
    /// Bind a key pair to instances.
    Attach {
        /// Key pair id.
        id: String,
        /// Instance ids (repeat the flag or separate with commas).
        #[arg(long = "instance-id", required = true, value_delimiter = ',')]
        instance_ids: Vec<String>,
    },
    /// Unbind a key pair from instances.
    Detach {
        /// Key pair id.
        id: String,
        /// Instance ids (repeat the flag or separate with commas).
        #[arg(long = "instance-id", required = true, value_delimiter = ',')]
        instance_ids: Vec<String>,
    },
    /// Delete a key pair.
    Delete {
        /// Key pair id.
        id: String,
    },
    /// Rename a key pair.
    Rename {
        /// Key pair id.
        id: String,
        /// New name.
        #[arg(long)]
        name: String,
    },
    /// Replace a key pair's description (an empty one clears it).
    UpdateDescription {
        /// Key pair id.
        id: String,
        /// New description.
        #[arg(long)]
        description: String,
    },
    /// Print a shell completion script (e.g. `bcc-keypair completions bash > /etc/bash_completion.d/bcc-keypair`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    let json = cli.json;
    if cli.verbose {
        tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                    tracing_subscriber::EnvFilter::new("bcc_keypair_client=debug")
                }),
            )
            .with_writer(std::io::stderr)
            // Colour codes only for a person at a terminal, never into a file or a pipe.
            .with_ansi(std::io::stderr().is_terminal())
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let error = anyhow::Error::new(error).context("starting the async runtime");
            output::report_error(&error, ExitClass::Other, json);
            return ExitClass::Other.exit_code();
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of stdout went away (`… | head`): nothing left to say.
        Err(error) if output::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let class = ExitClass::of(&error);
            output::report_error(&error, class, json);
            class.exit_code()
        }
    }
}

/// A command line clap refused (status 2), or `--help` / `--version` (status 0). With
/// `--json` anywhere on the line, the refusal is a JSON object like every other error.
fn usage_error(error: &clap::Error) -> ExitCode {
    if !error.use_stderr() {
        // --help and --version are printed to stdout; a closed stdout leaves nothing to do.
        drop(error.print());
        return ExitCode::SUCCESS;
    }
    if std::env::args_os().any(|arg| arg == "--json") {
        let message = error.render().to_string();
        let message = message.trim().trim_start_matches("error: ");
        let value = serde_json::json!({
            "error": {
                "class": ExitClass::Usage.name(),
                "exitStatus": ExitClass::Usage.status(),
                "code": null,
                "status": null,
                "message": message,
                "requestId": null,
                "clientToken": null,
                "retryable": false,
            }
        });
        eprintln!("{value}");
    } else {
        drop(error.print());
    }
    ExitClass::Usage.exit_code()
}

fn client(connection: &ConnectionArgs) -> Result<Client<ReqwestTransport>> {
    let endpoint = match (&connection.endpoint, &connection.region) {
        (Some(url), _) => Endpoint::url(url)?,
        (None, Some(region)) => Endpoint::region(region)?,
        (None, None) => bail!("no endpoint: pass --endpoint URL or --region REGION"),
    };
    let Some(access_key_id) = connection.access_key_id.as_deref() else {
        return Err(MissingCredential(
            "no access key id: pass --access-key-id or set BCE_ACCESS_KEY_ID",
        )
        .into());
    };
    let Some(secret_access_key) = connection.secret_access_key.as_deref() else {
        return Err(MissingCredential(
            "no secret access key: pass --secret-access-key or set BCE_SECRET_ACCESS_KEY",
        )
        .into());
    };
    let mut credentials = Credentials::new(access_key_id, secret_access_key);
    if let Some(token) = connection
        .session_token
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        credentials = credentials.with_session_token(token);
    }
    let config = Config::new(endpoint, credentials).with_max_attempts(connection.max_attempts);
    Ok(Client::with_reqwest(config)?)
}

fn optional_description(description: Option<String>) -> Result<Option<KeypairDescription>> {
    Ok(description.map(KeypairDescription::new).transpose()?)
}

fn parse_instance_ids(ids: Vec<String>) -> Result<Vec<InstanceId>> {
    Ok(ids
        .into_iter()
        .map(|id| InstanceId::new(id.trim()))
        .collect::<Result<_, _>>()?)
}

async fn run(cli: Cli) -> Result<()> {
    let (json, connection) = (cli.json, &cli.connection);
    // Validate inputs before connecting: bad input is refused with the service's code.
    match cli.command {
        Command::Create {
            name,
            description,
            private_key_file,
            force,
        } => {
            let name = KeypairName::new(name)?;
            let description = optional_description(description)?;
            let client = client(connection)?;
            let key_file = private_key_file.as_deref().map(|path| (path, force));
            create_keypair(&client, name, description, key_file, json).await?;
        }
        Command::Import {
            name,
            description,
            public_key,
            public_key_file,
        } => {
            let name = KeypairName::new(name)?;
            let description = optional_description(description)?;
            let public_key = read_public_key(public_key, public_key_file)?;
            let keypair = client(connection)?
                .import_keypair(name, public_key)
                .set_description(description)
                .send()
                .await?;
            output::print_keypair(&keypair, json, false)?;
        }
        Command::List {
            marker,
            max_keys,
            name,
            all,
        } => {
            let list = list_query(marker, max_keys, name);
            list_keypairs(&client(connection)?, list, all, json).await?;
        }
        Command::Get { id } => {
            let id = KeypairId::new(id)?;
            let keypair = client(connection)?.get_keypair(&id).await?;
            output::print_keypair(&keypair, json, false)?;
        }
        Command::Attach { id, instance_ids } => {
            let id = KeypairId::new(id)?;
            let ids = parse_instance_ids(instance_ids)?;
            client(connection)?.attach_keypair(&id, &ids).await?;
            output::print_done(json, "attached", &id)?;
        }
        Command::Detach { id, instance_ids } => {
            let id = KeypairId::new(id)?;
            let ids = parse_instance_ids(instance_ids)?;
            client(connection)?.detach_keypair(&id, &ids).await?;
            output::print_done(json, "detached", &id)?;
        }
        Command::Delete { id } => {
            let id = KeypairId::new(id)?;
            client(connection)?.delete_keypair(&id).await?;
            output::print_done(json, "deleted", &id)?;
        }
        Command::Rename { id, name } => {
            let id = KeypairId::new(id)?;
            let name = KeypairName::new(name)?;
            client(connection)?.rename_keypair(&id, name).await?;
            output::print_done(json, "renamed", &id)?;
        }
        Command::UpdateDescription { id, description } => {
            let id = KeypairId::new(id)?;
            let description = KeypairDescription::new(description)?;
            let client = client(connection)?;
            client.update_keypair_description(&id, description).await?;
            output::print_done(json, "description updated", &id)?;
        }
        Command::Completions { shell } => print_completions(shell)?,
    }
    Ok(())
}

/// `create`: makes the key pair and writes its private key to `key_file` (a path and
/// whether to overwrite it), or prints it once when there is no file.
async fn create_keypair(
    client: &Client<ReqwestTransport>,
    name: KeypairName,
    description: Option<KeypairDescription>,
    key_file: Option<(&Path, bool)>,
    json: bool,
) -> Result<()> {
    // Open the key file before creating the key pair, so that an existing file or a bad
    // path is refused before the cloud makes a key pair whose private key would then be
    // lost.
    let mut key_file = key_file
        .map(|(path, force)| private_key::PrivateKeyFile::create(path, force))
        .transpose()?;
    let keypair = match client
        .create_keypair(name)
        .set_description(description)
        .send()
        .await
    {
        Ok(keypair) => keypair,
        Err(error) => {
            if let Some(file) = key_file.take() {
                file.discard();
            }
            return Err(error.into());
        }
    };
    let Some(file) = key_file else {
        return output::print_keypair(&keypair, json, true);
    };
    let private_key = keypair
        .private_key
        .as_deref()
        .context("the service returned no private key")?;
    let path = file.write(private_key)?;
    output::print_keypair(&keypair, json, false)?;
    if !json {
        use std::io::Write;
        writeln!(
            std::io::stdout().lock(),
            "private key written to {}",
            path.display()
        )?;
    }
    Ok(())
}

/// `completions`: the script for `shell`, written whole (a closed stdout is an error the
/// caller handles, not a panic inside the generator).
fn print_completions(shell: clap_complete::Shell) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "bcc-keypair", &mut script);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
    Ok(())
}

/// The public key of `import`, given inline or in a file.
fn read_public_key(text: Option<String>, file: Option<PathBuf>) -> Result<PublicKey> {
    let text = match (text, file) {
        (Some(text), _) => text,
        (None, Some(path)) => {
            std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?
        }
        (None, None) => bail!("pass --public-key or --public-key-file"),
    };
    Ok(PublicKey::parse(&text)?)
}

/// The query of `list`: only the parameters given.
fn list_query(marker: Option<String>, max_keys: Option<u32>, name: Option<String>) -> ListKeypairs {
    ListKeypairs::new()
        .set_marker(marker)
        .set_max_keys(max_keys)
        .set_name(name)
}

/// `list`: one page, or with `all` every page from `list`'s marker on.
async fn list_keypairs(
    client: &Client<ReqwestTransport>,
    list: ListKeypairs,
    all: bool,
    json: bool,
) -> Result<()> {
    if all {
        let keypairs: Vec<_> = client.list_all_keypairs_from(list).try_collect().await?;
        output::print_keypairs(&keypairs, None, json)
    } else {
        let page = client.list_keypairs(&list).await?;
        output::print_page(&page, json)
    }
}
