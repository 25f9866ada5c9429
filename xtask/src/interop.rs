//! `cargo xtask interop`: the official Python SDK against the simulator binary.
//!
//! 1. a virtual environment under `<target>/interop-venv` with `bce-python-sdk` pinned to the
//!    version the wire contract was captured from (installed once, reused afterwards);
//! 2. `cargo build -p bcc-keypair-sim`, then the binary on `127.0.0.1:0`, reading its first
//!    stdout line `listening on http://ADDR`;
//! 3. two running Linux instances seeded through the control API;
//! 4. `xtask/interop/sdk_interop.py`, which drives all nine operations and the main error
//!    paths through the SDK and prints `N passed, M failed`;
//! 5. the simulator is stopped, whatever happened.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use bcc_keypair_tests::target::{Control, Instance};

use crate::workspace::{self, target_dir};

/// The SDK version `keypair-api.md` §3 was captured from.
const PINNED_SDK_VERSION: &str = "0.9.79";
/// Credentials the simulator is started with for the run.
const INTEROP_ACCESS_KEY: &str = "0123456789abcdef0123456789abcdef";
const INTEROP_SECRET_KEY: &str = "fedcba9876543210fedcba9876543210";

/// Arguments of `cargo xtask interop`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Python interpreter used to create the virtual environment.
    #[arg(long, default_value = "python3", value_name = "PATH")]
    python: PathBuf,
    /// `bce-python-sdk` version to install.
    #[arg(long, default_value = PINNED_SDK_VERSION, value_name = "VERSION")]
    sdk_version: String,
    /// Build and run the simulator in release mode.
    #[arg(long)]
    release: bool,
    /// Seconds to wait for the simulator's `listening on` line.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    startup_timeout: u64,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let target = target_dir()?;
    let venv = target.join("interop-venv");
    let python = prepare_venv(&args.python, &venv, &args.sdk_version)?;

    let simulator_binary = build_simulator(&target, args.release)?;
    let simulator = Simulator::start(&simulator_binary, Duration::from_secs(args.startup_timeout))?;
    println!("interop: simulator at {}", simulator.base_url);

    let instances = seed_instances(&simulator.base_url)?;
    let script = workspace::root().join("xtask/interop/sdk_interop.py");
    let status = Command::new(&python)
        .arg(&script)
        .args(["--endpoint", &simulator.base_url])
        .args(["--access-key", INTEROP_ACCESS_KEY])
        .args(["--secret-key", INTEROP_SECRET_KEY])
        .args(["--instances", &instances.join(",")])
        .env("PYTHONIOENCODING", "utf-8")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .status()
        .with_context(|| format!("running {}", script.display()))?;
    drop(simulator);
    if !status.success() {
        bail!("the Python SDK interop checks failed ({status})");
    }
    Ok(())
}

/// Creates the virtual environment if needed and installs the pinned SDK unless it is
/// already there; returns the environment's interpreter.
fn prepare_venv(python: &Path, venv: &Path, version: &str) -> anyhow::Result<PathBuf> {
    let probe = Command::new(python).arg("--version").output();
    match probe {
        Ok(output) if output.status.success() => {}
        _ => bail!(
            "`{}` is not available: install Python 3 (3.8 or newer) with its `venv` module, \
             e.g. `apt-get install python3 python3-venv`, or pass --python PATH",
            python.display()
        ),
    }
    let venv_python = venv_interpreter(venv);
    if !venv_python.exists() {
        println!("interop: creating {}", venv.display());
        let status = Command::new(python)
            .args(["-m", "venv"])
            .arg(venv)
            .status()
            .context("running python -m venv")?;
        if !status.success() || !venv_python.exists() {
            bail!(
                "`{} -m venv` failed: install the Python venv module (e.g. `apt-get install \
                 python3-venv`)",
                python.display()
            );
        }
    }
    if installed_sdk_version(&venv_python).as_deref() == Some(version) {
        println!("interop: bce-python-sdk {version} already installed");
        return Ok(venv_python);
    }
    let pip = Command::new(&venv_python)
        .args(["-m", "pip", "--version"])
        .output();
    if !pip.is_ok_and(|output| output.status.success()) {
        bail!(
            "pip is missing from {}: install pip for Python 3 (e.g. `apt-get install \
             python3-pip python3-venv`) and delete that directory",
            venv.display()
        );
    }
    println!("interop: installing bce-python-sdk=={version} from PyPI");
    let status = Command::new(&venv_python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .arg(format!("bce-python-sdk=={version}"))
        .status()
        .context("running pip install")?;
    if !status.success() {
        bail!(
            "`pip install bce-python-sdk=={version}` failed: it needs access to PyPI (or a pip \
             cache that holds the package)"
        );
    }
    Ok(venv_python)
}

fn venv_interpreter(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// The installed `bce-python-sdk` version, if any.
fn installed_sdk_version(venv_python: &Path) -> Option<String> {
    let output = Command::new(venv_python)
        .args([
            "-c",
            "import importlib.metadata as m; print(m.version('bce-python-sdk'))",
        ])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// `cargo build -p bcc-keypair-sim`; returns the binary's path.
fn build_simulator(target: &Path, release: bool) -> anyhow::Result<PathBuf> {
    let mut command = workspace::cargo();
    command.args([
        "build",
        "--quiet",
        "-p",
        "bcc-keypair-sim",
        "--bin",
        "bcc-keypair-sim",
    ]);
    if release {
        command.arg("--release");
    }
    let status = command.status().context("running cargo build")?;
    if !status.success() {
        bail!("`cargo build -p bcc-keypair-sim` failed");
    }
    let profile = if release { "release" } else { "debug" };
    let binary = target
        .join(profile)
        .join(format!("bcc-keypair-sim{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        bail!("{} was not built", binary.display());
    }
    Ok(binary)
}

/// The simulator child process; dropping it stops the process.
struct Simulator {
    child: Child,
    base_url: String,
}

impl Simulator {
    fn start(binary: &Path, startup_timeout: Duration) -> anyhow::Result<Self> {
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0"])
            .args(["--access-key", INTEROP_ACCESS_KEY])
            .args(["--secret-key", INTEROP_SECRET_KEY])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            bail!("no stdout from the simulator");
        };
        // A thread reads the first line and then keeps draining stdout so the child never
        // blocks on a full pipe.
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next();
            let _ = sender.send(first);
            for _ in lines {}
        });
        let mut simulator = Self {
            child,
            base_url: String::new(),
        };
        let line = match receiver.recv_timeout(startup_timeout) {
            Ok(Some(Ok(line))) => line,
            Ok(_) => bail!("the simulator exited before printing `listening on`"),
            Err(_) => bail!(
                "the simulator printed nothing within {} s",
                startup_timeout.as_secs()
            ),
        };
        let Some(url) = line.trim().strip_prefix("listening on ") else {
            bail!("unexpected first line from the simulator: {line:?}");
        };
        simulator.base_url = url.to_owned();
        Ok(simulator)
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        // Only this child, by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Seeds two running Linux instances; returns their ids.
fn seed_instances(base_url: &str) -> anyhow::Result<Vec<String>> {
    let suffix = std::process::id();
    let ids = vec![format!("i-py{suffix}a"), format!("i-py{suffix}b")];
    let seeds: Vec<Instance> = ids
        .iter()
        .map(|id| Instance::new(id.clone()).account(INTEROP_ACCESS_KEY))
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime
        .block_on(async {
            let control = Control::new(base_url)?;
            control.health().await?;
            control.seed_instances(&seeds).await
        })
        .map_err(|failure| anyhow::anyhow!("seeding instances: {failure}"))?;
    Ok(ids)
}
