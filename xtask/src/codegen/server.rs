//! The server crate: one trait method, one request type and one response enum per operation,
//! plus the axum routes that connect them. The generic HTTP glue the routes call is hand-written
//! once, in `crates/apify-api-server/src/glue.rs`.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use openapiv3::{Parameter, ReferenceOr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::codegen::client::TYPES_CRATE;
use crate::codegen::docs;
use crate::spec::{Diagnostic, Spec, pointer};
use crate::validate::resolve_response;

/// One operation, as the server needs it.
struct Operation {
    id: String,
    method: String,
    path: String,
    doc: String,
    path_params: Vec<PathParam>,
    secured: bool,
    responses: Vec<Response>,
}

struct PathParam {
    name: String,
    doc: String,
}

struct Response {
    status: u16,
    /// `TooManyRequests`
    variant: String,
    /// `TOO_MANY_REQUESTS`, the name of the `http::StatusCode` constant.
    constant: String,
    doc: String,
    body: Option<String>,
}

/// The code of `crates/apify-api-server/src/generated.rs`.
pub fn generate(spec: &Spec) -> Result<TokenStream, Diagnostic> {
    let operations = operations(spec)?;
    let types_crate = format_ident!("{TYPES_CRATE}");

    let per_operation = operations.iter().map(|op| {
        let request = format_ident!("{}Request", op.id.to_upper_camel_case());
        let response = format_ident!("{}Response", op.id.to_upper_camel_case());
        let request_doc = docs::attrs(&format!(
            "The request of [`Api::{}`]: `{} {}`.",
            op.id,
            op.method.to_uppercase(),
            op.path
        ));
        let fields = op.path_params.iter().map(|p| {
            let ident = format_ident!("{}", p.name.to_snake_case());
            let doc = docs::attrs(&p.doc);
            quote! { #doc pub #ident: ::std::string::String, }
        });
        let token_field = op.secured.then(|| {
            quote! {
                /// The caller's API token, from `Authorization: Bearer <token>` or the `token` query parameter.
                pub token: crate::ApiToken,
            }
        });
        let response_doc = docs::attrs(&format!(
            "The documented responses of [`Api::{}`], one variant per status.",
            op.id
        ));
        let variants = op.responses.iter().map(|r| {
            let v = format_ident!("{}", r.variant);
            let doc = docs::attrs(&r.doc);
            match &r.body {
                Some(body) => {
                    let body = format_ident!("{body}");
                    quote! { #doc #v(::#types_crate::#body), }
                }
                None => quote! { #doc #v, },
            }
        });
        let status_arms = op.responses.iter().map(|r| {
            let v = format_ident!("{}", r.variant);
            let pattern = if r.body.is_some() {
                quote! { Self::#v(_) }
            } else {
                quote! { Self::#v }
            };
            let status = format_ident!("{}", r.constant);
            quote! { #pattern => ::http::StatusCode::#status, }
        });
        let body_arms = op.responses.iter().map(|r| {
            let v = format_ident!("{}", r.variant);
            if r.body.is_some() {
                quote! { Self::#v(body) => crate::glue::json_response(status, &body), }
            } else {
                quote! { Self::#v => crate::glue::empty_response(status), }
            }
        });
        quote! {
            #request_doc
            #[derive(Debug, Clone)]
            pub struct #request {
                #( #fields )*
                #token_field
            }

            #response_doc
            #[derive(Debug, Clone)]
            pub enum #response {
                #( #variants )*
            }

            impl #response {
                /// The HTTP status of this response.
                pub fn status(&self) -> ::http::StatusCode {
                    match self {
                        #( #status_arms )*
                    }
                }
            }

            impl ::axum::response::IntoResponse for #response {
                fn into_response(self) -> ::axum::response::Response {
                    let status = self.status();
                    match self {
                        #( #body_arms )*
                    }
                }
            }
        }
    });

    let trait_methods = operations.iter().map(|op| {
        let method = format_ident!("{}", op.id);
        let request = format_ident!("{}Request", op.id.to_upper_camel_case());
        let response = format_ident!("{}Response", op.id.to_upper_camel_case());
        let doc = docs::attrs(&op.doc);
        quote! {
            #doc
            fn #method(&self, request: #request)
                -> impl ::std::future::Future<Output = ::std::result::Result<#response, crate::ApiError>> + Send;
        }
    });

    let handlers = operations.iter().map(|op| {
        let method = format_ident!("{}", op.id);
        let request = format_ident!("{}Request", op.id.to_upper_camel_case());
        let params: Vec<_> = op.path_params.iter().map(|p| format_ident!("{}", p.name.to_snake_case())).collect();
        let param_types = params.iter().map(|_| quote! { ::std::string::String });
        let path_extractor = (!params.is_empty()).then(|| {
            quote! { crate::glue::PathParams(( #( #params, )* )): crate::glue::PathParams<( #( #param_types, )* )>, }
        });
        let (token_extractor, token_field) = if op.secured {
            (Some(quote! { token: crate::ApiToken, }), Some(quote! { token, }))
        } else {
            (None, None)
        };
        let doc = docs::attrs(&format!("Serves `{} {}` with [`Api::{}`].", op.method.to_uppercase(), op.path, op.id));
        quote! {
            #doc
            async fn #method<A: Api>(
                ::axum::extract::State(api): ::axum::extract::State<::std::sync::Arc<A>>,
                #token_extractor
                #path_extractor
                _body: crate::glue::EmptyBody,
            ) -> ::axum::response::Response {
                let request = #request { #( #params, )* #token_field };
                crate::glue::respond(api.#method(request)).await
            }
        }
    });

    let mut paths: Vec<(&str, Vec<&Operation>)> = Vec::new();
    for op in &operations {
        match paths.iter_mut().find(|(p, _)| *p == op.path) {
            Some((_, ops)) => ops.push(op),
            None => paths.push((&op.path, vec![op])),
        }
    }
    let routes = paths.iter().map(|(path, ops)| {
        let allow = ops
            .iter()
            .map(|op| op.method.to_uppercase())
            .collect::<Vec<_>>()
            .join(", ");
        let mut chain = quote! { ::axum::routing::MethodRouter::new() };
        for op in ops {
            let filter = format_ident!("{}", op.method.to_uppercase());
            let handler = format_ident!("{}", op.id);
            chain = quote! { #chain.on(::axum::routing::MethodFilter::#filter, #handler::<A>) };
        }
        quote! {
            .route(#path, #chain.fallback(|| async { crate::glue::method_not_allowed(#allow) }))
        }
    });

    let trait_doc = docs::attrs(&format!(
        "{}: one method per operation of the spec.\n\nImplement it (plain `async fn`s work) and serve it with [`router`].",
        spec.api.info.title
    ));
    let per_operation: Vec<TokenStream> = per_operation.collect();
    Ok(quote! {
        #( #per_operation )*

        #trait_doc
        pub trait Api: Send + Sync + 'static {
            #( #trait_methods )*
        }

        /// An [`axum::Router`] serving every operation of `api`.
        ///
        /// Every failure the framework produces (unknown path, undeclared method, bad path
        /// parameter, missing token, unexpected body, handler error or panic) is answered with the
        /// documented error envelope `{"error": {"type", "message"}}`. Add tower layers (tracing,
        /// timeouts, CORS) with [`axum::Router::layer`].
        pub fn router<A: Api>(api: ::std::sync::Arc<A>) -> ::axum::Router {
            let routes = ::axum::Router::new()
                #( #routes )*
                .with_state(api);
            crate::glue::finish(routes)
        }

        #( #handlers )*
    })
}

fn operations(spec: &Spec) -> Result<Vec<Operation>, Diagnostic> {
    let global_security = spec.api.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut out = Vec::new();
    for (path, item) in spec.api.paths.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let at = pointer(["paths", path, method]);
            let id = op
                .operation_id
                .clone()
                .ok_or_else(|| Diagnostic::new(&at, "no operationId", "add one"))?;
            let doc = docs::join([
                op.summary.as_deref(),
                op.description.as_deref(),
                Some(&format!("`{} {path}`", method.to_uppercase())),
            ]);
            let mut path_params = Vec::new();
            for param in &op.parameters {
                let param = match param {
                    ReferenceOr::Item(p) => p,
                    ReferenceOr::Reference { reference } => spec
                        .api
                        .components
                        .as_ref()
                        .and_then(|c| {
                            c.parameters
                                .get(reference.trim_start_matches("#/components/parameters/"))
                        })
                        .and_then(ReferenceOr::as_item)
                        .ok_or_else(|| {
                            Diagnostic::new(
                                &at,
                                format!("cannot resolve {reference}"),
                                "fix the reference",
                            )
                        })?,
                };
                let Parameter::Path { parameter_data, .. } = param else {
                    continue;
                };
                let example = parameter_data.example.as_ref();
                path_params.push(PathParam {
                    name: parameter_data.name.clone(),
                    doc: docs::join([
                        parameter_data.description.as_deref(),
                        docs::example(example).as_deref(),
                    ]),
                });
            }
            // Routes hand path parameters over in the order they appear in the path.
            path_params.sort_by_key(|p| path.find(&format!("{{{}}}", p.name)));
            let secured = match &op.security {
                Some(requirements) => !requirements.is_empty(),
                None => global_security,
            };
            let mut responses = Vec::new();
            for (code, response) in op.responses.responses.iter() {
                let openapiv3::StatusCode::Code(status) = code else {
                    continue;
                };
                let resolved = resolve_response(spec, response).ok_or_else(|| {
                    Diagnostic::new(
                        &at,
                        format!("cannot resolve response {code}"),
                        "fix the reference",
                    )
                })?;
                let body = resolved
                    .content
                    .get("application/json")
                    .and_then(|m| m.schema.as_ref())
                    .and_then(|s| {
                        crate::spec::ref_str(s)
                            .and_then(|r| r.strip_prefix("#/components/schemas/"))
                            .map(str::to_owned)
                    });
                let reason = http::StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .ok_or_else(|| {
                        Diagnostic::new(
                            pointer(["paths", path, method, "responses", &code.to_string()]),
                            format!("status {status} has no standard name"),
                            "use a status code registered with IANA",
                        )
                    })?;
                let words = reason.replace(['-', '\''], " ");
                responses.push(Response {
                    status: *status,
                    variant: words.to_upper_camel_case(),
                    constant: words.to_shouty_snake_case(),
                    doc: format!("`{status}`: {}", resolved.description.trim()),
                    body,
                });
            }
            responses.sort_by_key(|r| r.status);
            out.push(Operation {
                id,
                method: method.to_owned(),
                path: path.clone(),
                doc,
                path_params,
                secured,
                responses,
            });
        }
    }
    Ok(out)
}
