//! Cold-start benchmark. For each bootstrap built by `cargo lambda build`,
//! starts it the way Lambda does (its environment, `AWS_LAMBDA_RUNTIME_API`)
//! against a stand-in for the Lambda Runtime API on 127.0.0.1, and records
//! the time from process start to its first `GET .../invocation/next`: what
//! the function does before it can serve, which a cold start pays. It then
//! hands the function its sample event (`events/<name>-*.json`), times and
//! notes the answer, so every measured bootstrap is shown to work and work it
//! leaves until after asking (a client built aside) is not hidden. Runs are
//! interleaved across bootstraps so machine load falls evenly on all.
//!
//! Usage: coldstart [--runs N] [--env NAME=VALUE]... <lambda dir> <baseline binary> <binary>...
//! (`infra/coldstart.sh` builds everything and runs this.)

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long a bootstrap may take to ask for work or to answer.
const PATIENCE: Duration = Duration::from_secs(10);

/// What Lambda sets for every function, plus the settings ours read, with
/// dummy values. `AWS_ENDPOINT_URL` is added per start: the SDK's calls go
/// to `aws_stand_in` on 127.0.0.1, so nothing can leave this machine.
const ENVIRONMENT: &[(&str, &str)] = &[
    ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"),
    ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
    ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/coldstart"),
    (
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "2026/11/25/[$LATEST]coldstart",
    ),
    ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
    ("AWS_REGION", "us-east-1"),
    ("AWS_DEFAULT_REGION", "us-east-1"),
    ("AWS_ACCESS_KEY_ID", "AKIACOLDSTART"),
    ("AWS_SECRET_ACCESS_KEY", "coldstart"),
    ("AWS_SESSION_TOKEN", "coldstart"),
    ("_HANDLER", "bootstrap"),
    ("LANG", "en_US.UTF-8"),
    ("TZ", ":UTC"),
    ("RUST_LOG", "info"),
    ("MOMENTS_BASE_URL", "https://moments.example.gov"),
    ("MOMENTS_EMAIL_DOMAINS", "mo.gov"),
    ("MOMENTS_PROGRAM_ADMINS", "admin@mo.gov"),
    ("MOMENTS_TABLE", "moments-coldstart"),
    ("MOMENTS_MAIL_FROM", "moments@mo.gov"),
    ("MOMENTS_SES_CONFIGURATION_SET", "moments-coldstart"),
    ("MOMENTS_SCHEDULE_GROUP", "moments-coldstart-reminders"),
    (
        "MOMENTS_REMINDERS_ARN",
        "arn:aws:lambda:us-east-1:123456789012:function:moments-coldstart-reminders",
    ),
    (
        "MOMENTS_SCHEDULER_ROLE_ARN",
        "arn:aws:iam::123456789012:role/moments-coldstart-scheduler",
    ),
    (
        "MOMENTS_SCHEDULER_DLQ_ARN",
        "arn:aws:sqs:us-east-1:123456789012:moments-coldstart-dlq",
    ),
];

/// What one start of a bootstrap showed.
struct Run {
    /// Process start to its first request to the runtime API.
    ready: Duration,
    /// Process start to its answer to the sample event.
    answered: Duration,
    /// Its answer to the sample event: an HTTP status, "ok", or the error.
    answer: String,
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 101;
    let mut extra_env = Vec::new();
    loop {
        match (args.first().map(String::as_str), args.get(1)) {
            (Some("--runs"), Some(n)) => {
                runs = n.parse().unwrap_or_else(|_| fail("--runs needs a number"));
            }
            (Some("--env"), Some(pair)) => match pair.split_once('=') {
                Some((k, v)) => extra_env.push((k.to_string(), v.to_string())),
                None => fail("--env needs NAME=VALUE"),
            },
            _ => break,
        }
        args.drain(..2);
    }
    let [lambda_dir, baseline, binaries @ ..] = args.as_slice() else {
        fail(
            "usage: coldstart [--runs N] [--env NAME=VALUE]... <lambda dir> <baseline binary> <binary>...",
        );
    };
    let root = workspace_root();
    let names: Vec<&String> = std::iter::once(baseline).chain(binaries).collect();
    let bootstraps: Vec<PathBuf> = names
        .iter()
        .map(|name| Path::new(lambda_dir).join(name).join("bootstrap"))
        .collect();
    for b in &bootstraps {
        if !b.is_file() {
            fail(&format!("{} is missing: build it first", b.display()));
        }
    }
    let events: Vec<String> = names.iter().map(|n| sample_event(&root, n)).collect();
    let aws = format!("http://127.0.0.1:{}", aws_stand_in());

    let mut results: Vec<Vec<Run>> = names.iter().map(|_| Vec::new()).collect();
    for round in 0..runs {
        for (i, bootstrap) in bootstraps.iter().enumerate() {
            match start(bootstrap, names[i], &events[i], &aws, &extra_env) {
                Ok(run) => results[i].push(run),
                Err(e) => fail(&format!("{} (round {round}): {e}", names[i])),
            }
        }
    }

    let median = |runs: &[Run], time: fn(&Run) -> Duration| {
        let mut times: Vec<Duration> = runs.iter().map(time).collect();
        times.sort();
        times[times.len() / 2]
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let base = median(&results[0], |r| r.ready);
    println!(
        "Start to first request for work, median of {runs} cold starts each (x86_64, this machine):\n"
    );
    println!(
        "| function | ready (ms, median) | fastest (ms) | × hello | answered (ms, median) | bootstrap (MB) | answer to its sample event |"
    );
    println!("|---|---:|---:|---:|---:|---:|---|");
    for (i, name) in names.iter().enumerate() {
        let runs = &results[i];
        let ready = median(runs, |r| r.ready);
        let fastest = runs.iter().map(|r| r.ready).min().unwrap_or_default();
        let size = std::fs::metadata(&bootstraps[i])
            .map(|m| m.len())
            .unwrap_or(0);
        println!(
            "| {name} | {:.1} | {:.1} | {:.2} | {:.1} | {:.1} | {} |",
            ms(ready),
            ms(fastest),
            ms(ready) / ms(base),
            ms(median(runs, |r| r.answered)),
            size as f64 / 1_000_000.0,
            runs.last().map(|r| r.answer.as_str()).unwrap_or_default(),
        );
    }
}

fn fail(message: &str) -> ! {
    eprintln!("coldstart: {message}");
    std::process::exit(1)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| fail("no workspace root"))
}

/// The first `events/<short name>-*.json`, or a small JSON object for a
/// function without one (the hello-world, scheduled functions).
fn sample_event(root: &Path, binary: &str) -> String {
    let short = binary.strip_prefix("moments-").unwrap_or(binary);
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("events"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{short}-")) && n.ends_with(".json"))
        })
        .collect();
    files.sort();
    files
        .first()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .unwrap_or_else(|| r#"{"coldstart": true}"#.to_string())
}

/// Starts the bootstrap once against a fresh runtime-API stand-in.
fn start(
    bootstrap: &Path,
    name: &str,
    event: &str,
    aws_endpoint: &str,
    extra_env: &[(String, String)],
) -> Result<Run, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let (tx, rx) = mpsc::channel();
    let event = event.to_string();
    std::thread::spawn(move || {
        let _ = tx.send(runtime_api(listener, &event));
    });

    let started = Instant::now();
    let mut child = Command::new(bootstrap)
        .env_clear()
        .envs(ENVIRONMENT.iter().copied())
        .env("AWS_ENDPOINT_URL", aws_endpoint)
        .envs(extra_env.iter().map(|(k, v)| (k, v)))
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bootstrap.display()))?;
    let outcome = rx.recv_timeout(PATIENCE * 2);
    let _ = child.kill();
    let _ = child.wait();
    match outcome {
        Ok(Ok(times)) => Ok(Run {
            ready: times.first_request.duration_since(started),
            answered: times.answered.duration_since(started),
            answer: times.answer,
        }),
        Ok(Err(e)) => Err(e),
        Err(_) => Err("no request to the runtime API in time".into()),
    }
}

/// When a start asked for work and answered, and what it answered.
struct Times {
    first_request: Instant,
    answered: Instant,
    answer: String,
}

/// The runtime API, as far as one cold start needs: the first request for
/// work, the sample event as the invocation, and its answer, both timed.
fn runtime_api(listener: TcpListener, event: &str) -> Result<Times, String> {
    let (stream, _) = listener.accept().map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(PATIENCE))
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
    let mut writer = stream;

    let (line, body) = read_request(&mut reader)?;
    let first_request = Instant::now();
    if line.starts_with("POST /2018-06-01/runtime/init/error") {
        return Ok(Times {
            first_request,
            answered: first_request,
            answer: format!("init error: {}", one_line(&body)),
        });
    }
    if !line.starts_with("GET /2018-06-01/runtime/invocation/next") {
        return Err(format!("unexpected first request {line:?}"));
    }
    let deadline = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_millis()
        + 30_000;
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
         Lambda-Runtime-Aws-Request-Id: coldstart-1\r\n\
         Lambda-Runtime-Deadline-Ms: {deadline}\r\n\
         Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:coldstart\r\n\
         Lambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000\r\n\
         Content-Length: {}\r\n\r\n",
        event.len()
    );
    writer
        .write_all(head.as_bytes())
        .and_then(|()| writer.write_all(event.as_bytes()))
        .map_err(|e| e.to_string())?;

    // The runtime client may send its answer on a new connection.
    let (line, body) = match read_request(&mut reader) {
        Ok(request) => request,
        Err(_) => {
            let (stream, _) = listener.accept().map_err(|e| e.to_string())?;
            stream
                .set_read_timeout(Some(PATIENCE))
                .map_err(|e| e.to_string())?;
            reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
            writer = stream;
            read_request(&mut reader)?
        }
    };
    let answered = Instant::now();
    let _ = writer.write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
    let answer = if line.contains("/invocation/coldstart-1/response") {
        match serde_json::from_str::<serde_json::Value>(&body) {
            Ok(v) if v.get("statusCode").is_some() => format!("HTTP {}", v["statusCode"]),
            _ => "ok".to_string(),
        }
    } else {
        format!("error: {}", one_line(&body))
    };
    Ok(Times {
        first_request,
        answered,
        answer,
    })
}

/// Every AWS endpoint, on 127.0.0.1: it answers each call as invalid
/// (400), which the SDK does not retry, so a function whose sample event
/// reaches AWS answers at once; against a closed port it answered only
/// after the standard retries' back-off, seconds per start. Returns its port.
fn aws_stand_in() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|e| fail(&format!("no port for the AWS stand-in: {e}")));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| fail(&format!("AWS stand-in: {e}")))
        .port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || refuse_calls(stream));
        }
    });
    port
}

fn refuse_calls(stream: TcpStream) {
    const BODY: &str =
        r#"{"__type":"ValidationException","message":"no AWS in the cold-start benchmark"}"#;
    let _ = stream.set_read_timeout(Some(PATIENCE));
    let Ok(reading) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reading);
    let mut writer = stream;
    while read_request(&mut reader).is_ok() {
        let head = format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.0\r\n\
             x-amzn-ErrorType: ValidationException\r\nContent-Length: {}\r\n\r\n",
            BODY.len()
        );
        if writer
            .write_all(head.as_bytes())
            .and_then(|()| writer.write_all(BODY.as_bytes()))
            .is_err()
        {
            return;
        }
    }
}

fn one_line(text: &str) -> String {
    text.chars()
        .take(160)
        .collect::<String>()
        .replace(['\n', '|'], " ")
}

/// One HTTP/1.1 request: its request line and body (Content-Length or chunked).
fn read_request(reader: &mut BufReader<TcpStream>) -> Result<(String, String), String> {
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    if line.is_empty() {
        return Err("the bootstrap closed the connection".into());
    }
    let mut length = 0usize;
    let mut chunked = false;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).map_err(|e| e.to_string())?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let lower = header.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).map_err(|e| e.to_string())?;
            let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).map_err(|e| e.to_string())?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        body.resize(length, 0);
        reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    }
    Ok((
        line.trim_end().to_string(),
        String::from_utf8_lossy(&body).into_owned(),
    ))
}
