//! Hashes, encryption, passwords, random bytes, UUIDs, keys and certificates.

use stockade_gotemplate::{CallCtx, FuncError, Param, Value};

use super::{arg, fail, int, sa, Reg};
use crate::crypto;

type R = Result<Value, FuncError>;

#[allow(clippy::unnecessary_wraps)]
fn string(s: String) -> R {
    Ok(Value::string(s))
}

fn rand_bytes(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let n = int(&arg(a, 0));
    let Ok(n) = usize::try_from(n) else {
        return Err(fail("runtime error: makeslice: len out of range"));
    };
    if n > ctx.limits().max_output {
        return Err(ctx.limit_error(format!("randBytes {n}: exceeds the output limit")));
    }
    ctx.charge(u64::try_from(n / crate::BYTES_PER_STEP).unwrap_or(u64::MAX))?;
    let mut buf = vec![0_u8; n];
    crypto::random_bytes(&mut buf).map_err(fail)?;
    string(crypto::b64enc(&buf))
}

/// `bcrypt` and `htpasswd`, hashing at `COST` (Sprig's 10; a scanned render's
/// 4, [`crate::scan_key_funcs`]).
pub(crate) fn register_bcrypt<const COST: u32>(r: &mut Reg<'_>) {
    r.fixed(&["bcrypt"], vec![Param::String], "string", |_, a| {
        string(crypto::bcrypt(sa(&a, 0), COST))
    });
    r.fixed(
        &["htpasswd"],
        vec![Param::String, Param::String],
        "string",
        |_, a| string(crypto::htpasswd(sa(&a, 0), sa(&a, 1), COST)),
    );
}

pub(super) fn register(r: &mut Reg<'_>) {
    r.fixed(&["sha1sum"], vec![Param::String], "string", |_, a| {
        string(crypto::sha1sum(sa(&a, 0)))
    });
    r.fixed(&["sha256sum"], vec![Param::String], "string", |_, a| {
        string(crypto::sha256sum(sa(&a, 0)))
    });
    r.fixed(&["sha512sum"], vec![Param::String], "string", |_, a| {
        string(crypto::sha512sum(sa(&a, 0)))
    });
    r.fixed(&["adler32sum"], vec![Param::String], "string", |_, a| {
        string(crypto::adler32sum(sa(&a, 0)))
    });
    register_bcrypt::<{ crypto::BCRYPT_COST }>(r);
    r.fixed(
        &["derivePassword"],
        vec![
            Param::Uint(stockade_gotemplate::UintType::Uint32),
            Param::String,
            Param::String,
            Param::String,
            Param::String,
        ],
        "string",
        |ctx, a| {
            // scrypt with N=32768, r=8: 32 MiB and a noticeable amount of work.
            ctx.charge(100_000)?;
            let counter = match arg(&a, 0) {
                Value::Uint(u, _) => u32::try_from(u).unwrap_or(u32::MAX),
                v => u32::try_from(int(&v)).unwrap_or(0),
            };
            string(crypto::derive_password(
                counter,
                sa(&a, 1),
                sa(&a, 2),
                sa(&a, 3),
                sa(&a, 4),
            ))
        },
    );
    r.fixed(
        &["encryptAES"],
        vec![Param::String, Param::String],
        "string",
        |_, a| {
            crypto::encrypt_aes(sa(&a, 0), sa(&a, 1))
                .map(Value::string)
                .map_err(fail)
        },
    );
    r.fixed(
        &["decryptAES"],
        vec![Param::String, Param::String],
        "string",
        |_, a| {
            crypto::decrypt_aes(sa(&a, 0), sa(&a, 1))
                .map(Value::string)
                .map_err(fail)
        },
    );
    r.fixed(&["randBytes"], vec![Param::INT], "string", |ctx, a| {
        rand_bytes(ctx, &a)
    });
    r.fixed(&["uuidv4"], vec![], "string", |_, _| {
        crypto::uuidv4().map(Value::string).map_err(fail)
    });
    crate::cert::register(r);
}
