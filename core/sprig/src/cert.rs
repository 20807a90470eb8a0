//! `genPrivateKey`, `genCA`, `genCAWithKey`, `genSelfSignedCert`,
//! `genSelfSignedCertWithKey`, `genSignedCert`, `genSignedCertWithKey`,
//! `buildCustomCert`.

use stockade_gotemplate::{FuncError, Param, Value};

use crate::funcs::Reg;

fn unsupported(name: &str) -> FuncError {
    FuncError::msg(format!(
        "{name}: key and certificate generation is not supported by this build"
    ))
}

pub(crate) fn register(r: &mut Reg<'_>) {
    r.fixed(
        &["genPrivateKey"],
        vec![Param::String],
        "string",
        |ctx, _| Err(unsupported(ctx.func_name())),
    );
    r.fixed(
        &["buildCustomCert"],
        vec![Param::String, Param::String],
        "sprig.certificate",
        |ctx, _| Err(unsupported(ctx.func_name())),
    );
    r.fixed(
        &["genCA"],
        vec![Param::String, Param::INT],
        "sprig.certificate",
        |ctx, _| Err(unsupported(ctx.func_name())),
    );
    r.fixed(
        &["genCAWithKey"],
        vec![Param::String, Param::INT, Param::String],
        "sprig.certificate",
        |ctx, _| Err(unsupported(ctx.func_name())),
    );
    let ips = || {
        vec![
            Param::String,
            Param::any_slice(),
            Param::any_slice(),
            Param::INT,
        ]
    };
    r.fixed(
        &["genSelfSignedCert"],
        ips(),
        "sprig.certificate",
        |ctx, _| Err(unsupported(ctx.func_name())),
    );
    let mut with_key = ips();
    with_key.push(Param::String);
    r.fixed(
        &["genSelfSignedCertWithKey"],
        with_key,
        "sprig.certificate",
        |ctx, _| Err(unsupported(ctx.func_name())),
    );
    let mut signed = ips();
    signed.push(Param::Named("sprig.certificate".into()));
    r.fixed(
        &["genSignedCert"],
        signed.clone(),
        "sprig.certificate",
        |ctx, _| Err(unsupported(ctx.func_name())),
    );
    signed.push(Param::String);
    r.fixed(
        &["genSignedCertWithKey"],
        signed,
        "sprig.certificate",
        |ctx, _| Err(unsupported(ctx.func_name())),
    );
    let _ = Value::Nil;
}
