//! The report templates: Handlebars, embedded in the binary, overridable file by file.
//!
//! Two registries, one per output format, each in strict mode (a missing field is an
//! error, not a blank): `html/*.hbs` escape with Handlebars' HTML escaping, `md/*.hbs`
//! with [`escape::markdown`]. A user's folder (`--templates DIR`) holding `html/NAME.hbs`
//! or `md/NAME.hbs` replaces the embedded template of that name, partials included, so a
//! user overrides one piece rather than copying a whole page. A named folder that does
//! not exist, or a file that replaces nothing, is an error rather than a silent fallback.
//!
//! Pages are rendered with Handlebars' semantics by one of two engines: a template
//! within the common subset (values, `if`, `each`, `with`, partials without parameters),
//! embedded or overridden, is rendered by the fast evaluator (`report::templating::evaluator`); any other template,
//! and any page the fast evaluator declines (a missing field, say), by Handlebars itself,
//! which also gives every error message. The two produce the same bytes.
//!
//! The fast evaluator reads a page's data converted once into a compact `Data`
//! (`report::templating::data`), and Handlebars a `serde_json` context, made only for a page the
//! fast evaluator declines: from the view itself, or from its `Data` once the view is
//! dropped ([`Templates::both_owned`]). A view `Data` cannot hold as serde_json would
//! goes to Handlebars whole.

use super::escape;
use super::evaluator;
use crate::error::Error;
use crate::report::templating::data::{self, Data};
use handlebars::{Context, Handlebars};
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A user's template larger than this is refused before it is read: the shipped ones
/// are a few kilobytes.
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// Embedded HTML templates: (name, source). Names without `.hbs`.
pub const HTML: &[(&str, &str)] = &[
    ("head", include_str!("templates/html/head.hbs")),
    ("header", include_str!("templates/html/header.hbs")),
    ("footer", include_str!("templates/html/footer.hbs")),
    ("cell", include_str!("templates/html/cell.hbs")),
    ("evidence", include_str!("templates/html/evidence.hbs")),
    (
        "bibliography",
        include_str!("templates/html/bibliography.hbs"),
    ),
    ("index", include_str!("templates/html/index.hbs")),
    ("case", include_str!("templates/html/case.hbs")),
    ("audit", include_str!("templates/html/audit.hbs")),
    ("codebook", include_str!("templates/html/codebook.hbs")),
];

/// Embedded Markdown templates: (name, source).
pub const MARKDOWN: &[(&str, &str)] = &[
    ("cell", include_str!("templates/md/cell.hbs")),
    ("evidence", include_str!("templates/md/evidence.hbs")),
    (
        "bibliography",
        include_str!("templates/md/bibliography.hbs"),
    ),
    ("index", include_str!("templates/md/index.hbs")),
    ("case", include_str!("templates/md/case.hbs")),
    ("codebook", include_str!("templates/md/codebook.hbs")),
];

/// The two registries, each with its fast evaluator.
pub struct Templates {
    html: Format,
    markdown: Format,
    /// A hash of the overriding templates' names and sources (the embedded ones are
    /// part of the binary).
    overrides: u64,
}

/// One output format's templates.
struct Format {
    /// Every template, embedded or overridden, and what renders the pages the fast
    /// evaluator declines.
    handlebars: Handlebars<'static>,
    /// The templates within the subset, lowered once.
    fast: evaluator::Evaluator,
    /// The folder of its templates: `html` or `md`, for error messages.
    folder: &'static str,
    /// How many pages Handlebars rendered, the fast evaluator having declined them.
    by_handlebars: AtomicUsize,
}

impl Format {
    fn new(
        handlebars: Handlebars<'static>,
        folder: &'static str,
        escape: evaluator::Escape,
    ) -> Format {
        let fast = evaluator::Evaluator::new(&handlebars, escape);
        Format {
            handlebars,
            fast,
            folder,
            by_handlebars: AtomicUsize::new(0),
        }
    }

    /// Renders `name` over the page's data: fast when it can, otherwise with Handlebars
    /// over the context `context` makes.
    fn render(
        &self,
        name: &str,
        data: Option<&Data>,
        context: impl FnOnce() -> Result<Context, Error>,
    ) -> Result<String, Error> {
        self.render_sized(name, data, PAGE, context)
    }

    /// [`Format::render`] into a buffer of `capacity` bytes to begin with.
    fn render_sized(
        &self,
        name: &str,
        data: Option<&Data>,
        capacity: usize,
        context: impl FnOnce() -> Result<Context, Error>,
    ) -> Result<String, Error> {
        if let Some(data) = data
            && let Ok(text) = self.fast.render(name, data, capacity)
        {
            return Ok(text);
        }
        self.by_handlebars.fetch_add(1, Ordering::Relaxed);
        let mut out = Bounded(Vec::with_capacity(capacity));
        let rendered = self
            .handlebars
            .render_with_context_to_write(name, &context()?, &mut out);
        if out.0.len() > MAX_PAGE_BYTES {
            return Err(Error::Template(format!(
                "{}/{name}.hbs: the page would be larger than {MAX_PAGE_BYTES} bytes; a template that repeats a block inside itself (nested {{{{#each}}}}) multiplies its size: render each list once",
                self.folder
            )));
        }
        rendered.map_err(|e| Error::Template(format!("{}/{name}.hbs: {e}", self.folder)))?;
        String::from_utf8(out.0).map_err(|e| {
            Error::Template(format!(
                "{}/{name}.hbs: the page is not UTF-8: {e}",
                self.folder
            ))
        })
    }
}

/// A page larger than this is refused (a clear template error, never an allocation that
/// aborts): the report's largest page at 10,000 cases is a few megabytes.
pub const MAX_PAGE_BYTES: usize = 64 * 1024 * 1024;

/// Partials may include partials this deep, and no deeper; a partial that includes
/// itself, directly or through others, is refused when the templates are loaded.
pub const MAX_PARTIAL_DEPTH: usize = 32;

/// A page being written by Handlebars, refusing to grow past [`MAX_PAGE_BYTES`].
struct Bounded(Vec<u8>);

impl std::io::Write for Bounded {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + bytes.len() > MAX_PAGE_BYTES {
            // Marks the page as too large, for the message, then stops the render.
            self.0.resize(MAX_PAGE_BYTES + 1, 0);
            return Err(std::io::Error::other("the page is too large"));
        }
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The partials each template of `registry` names, refusing a name that is not written
/// out (`{{> (lookup ...)}}`), a partial that includes itself through any chain, and
/// chains deeper than [`MAX_PARTIAL_DEPTH`]: so that no render can recurse without end.
fn check_partials(registry: &Handlebars<'static>, folder: &str) -> Result<(), Error> {
    use handlebars::template::{Parameter, Template, TemplateElement};
    fn named(template: &Template, out: &mut Vec<Result<String, ()>>) {
        for element in &template.elements {
            match element {
                TemplateElement::PartialExpression(d) | TemplateElement::PartialBlock(d) => {
                    out.push(match &d.name {
                        Parameter::Name(n) => Ok(n.clone()),
                        Parameter::Path(handlebars::Path::Relative((_, raw)))
                        | Parameter::Path(handlebars::Path::Local((_, _, raw))) => Ok(raw.clone()),
                        _ => Err(()),
                    });
                    if let Some(t) = &d.template {
                        named(t, out);
                    }
                }
                TemplateElement::DecoratorBlock(d) => {
                    if let Some(t) = &d.template {
                        named(t, out);
                    }
                }
                TemplateElement::HelperBlock(h) => {
                    for t in [&h.template, &h.inverse].into_iter().flatten() {
                        named(t, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut graph: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (name, template) in registry.get_templates() {
        let mut found = Vec::new();
        named(template, &mut found);
        let mut partials = Vec::new();
        for partial in found {
            match partial {
                Ok(p) => partials.push(p),
                Err(()) => {
                    return Err(Error::Template(format!(
                        "{folder}/{name}.hbs: a partial whose name is computed ({{{{> (...)}}}}) cannot be checked for recursion; name the partial"
                    )));
                }
            }
        }
        graph.insert(name.as_str(), partials);
    }
    // Depth-first from every template, with the chain walked so far; the height of
    // each template done (its longest chain of partials) is kept.
    fn walk(
        graph: &std::collections::BTreeMap<&str, Vec<String>>,
        name: &str,
        chain: &mut Vec<String>,
        done: &mut std::collections::HashMap<String, usize>,
        folder: &str,
    ) -> Result<usize, Error> {
        if let Some(at) = chain.iter().position(|c| c == name) {
            let cycle = [&chain[at..], &[name.to_string()]].concat();
            return Err(Error::Template(format!(
                "{folder}/{name}.hbs: partials include each other without end ({}); a partial may not include itself",
                cycle.join(" → ")
            )));
        }
        if let Some(height) = done.get(name) {
            return Ok(*height);
        }
        chain.push(name.to_string());
        let mut height = 1;
        for partial in graph.get(name).into_iter().flatten() {
            height = height.max(1 + walk(graph, partial, chain, done, folder)?);
        }
        chain.pop();
        if height > MAX_PARTIAL_DEPTH {
            return Err(Error::Template(format!(
                "{folder}/{name}.hbs: partials nest {height} deep, more than {MAX_PARTIAL_DEPTH}"
            )));
        }
        done.insert(name.to_string(), height);
        Ok(height)
    }
    let mut done = std::collections::HashMap::new();
    for name in graph.keys() {
        walk(&graph, name, &mut Vec::new(), &mut done, folder)?;
    }
    Ok(())
}

/// What a page's buffer holds to begin with: most pages fit.
const PAGE: usize = 16 * 1024;

/// Handlebars' context over `data`; `what` names the page in the error.
fn context<T: Serialize + ?Sized>(data: &T, what: &str) -> Result<Context, Error> {
    Context::wraps(data).map_err(|e| Error::Template(format!("{what}: {e}")))
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Templates")
    }
}

fn registry(markdown: bool) -> Handlebars<'static> {
    let mut h = Handlebars::new();
    h.set_strict_mode(true);
    h.set_prevent_indent(true);
    if markdown {
        h.register_escape_fn(escape::markdown);
    }
    h
}

fn register(
    h: &mut Handlebars<'static>,
    name: &str,
    source: &str,
    origin: &str,
) -> Result<(), Error> {
    h.register_template_string(name, source)
        .map_err(|e| Error::Template(format!("{origin}: {e}")))
}

impl Templates {
    /// The embedded templates, with any overrides from `dir`.
    pub fn load(dir: Option<&Path>) -> Result<Templates, Error> {
        let mut html = registry(false);
        let mut markdown = registry(true);
        for (name, source) in HTML {
            register(
                &mut html,
                name,
                source,
                &format!("embedded html/{name}.hbs"),
            )?;
        }
        for (name, source) in MARKDOWN {
            register(
                &mut markdown,
                name,
                source,
                &format!("embedded md/{name}.hbs"),
            )?;
        }
        let mut overrides = 0;
        if let Some(dir) = dir {
            if !dir.is_dir() {
                return Err(Error::Usage(format!(
                    "--templates {}: no such folder",
                    dir.display()
                )));
            }
            let mut found = 0;
            let mut hasher = std::hash::DefaultHasher::new();
            for (sub, known, registry) in
                [("html", HTML, &mut html), ("md", MARKDOWN, &mut markdown)]
            {
                let folder = dir.join(sub);
                if !folder.is_dir() {
                    continue;
                }
                let entries = std::fs::read_dir(&folder).map_err(|source| Error::Io {
                    path: folder.clone(),
                    source,
                })?;
                let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                paths.sort();
                for path in paths {
                    if path.extension().is_none_or(|e| e != "hbs") {
                        continue;
                    }
                    let name = path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    if !known.iter().any(|(k, _)| *k == name) {
                        let names: Vec<&str> = known.iter().map(|(k, _)| *k).collect();
                        return Err(Error::Usage(format!(
                            "{}: there is no {sub} template named `{name}` to replace (known: {})",
                            path.display(),
                            names.join(", ")
                        )));
                    }
                    let source = crate::corpus::read::read_text(&path, MAX_TEMPLATE_BYTES)?;
                    register(registry, &name, &source, &path.display().to_string())?;
                    (sub, &name, &source).hash(&mut hasher);
                    found += 1;
                }
            }
            if found == 0 {
                return Err(Error::Usage(format!(
                    "--templates {}: no html/*.hbs or md/*.hbs template found to replace an embedded one",
                    dir.display()
                )));
            }
            overrides = hasher.finish();
        }
        check_partials(&html, "html")?;
        check_partials(&markdown, "md")?;
        Ok(Templates {
            html: Format::new(html, "html", evaluator::Escape::Html),
            markdown: Format::new(markdown, "md", evaluator::Escape::Markdown),
            overrides,
        })
    }

    /// The same templates, every page rendered by Handlebars itself and none by the fast
    /// evaluator: for the tests and benchmarks that compare the two.
    pub fn handlebars_only(mut self) -> Templates {
        self.html.fast = evaluator::Evaluator::none(evaluator::Escape::Html);
        self.markdown.fast = evaluator::Evaluator::none(evaluator::Escape::Markdown);
        self
    }

    /// The names of the templates the fast evaluator renders, HTML then Markdown, as
    /// `html/NAME` and `md/NAME`; the others go to Handlebars.
    pub fn fast_templates(&self) -> Vec<String> {
        let mut names = Vec::new();
        for (format, known) in [(&self.html, HTML), (&self.markdown, MARKDOWN)] {
            for (name, _) in known {
                if format.fast.supports(name) {
                    names.push(format!("{}/{name}", format.folder));
                }
            }
        }
        names
    }

    /// How many pages, so far, Handlebars rendered rather than the fast evaluator: those
    /// of templates outside its subset and those it declined (a missing field, say).
    pub fn rendered_by_handlebars(&self) -> usize {
        self.html.by_handlebars.load(Ordering::Relaxed)
            + self.markdown.by_handlebars.load(Ordering::Relaxed)
    }

    /// What the pages rendered with these templates depend on besides the binary: the
    /// overriding templates (a hash; 0 without overrides).
    pub fn overrides(&self) -> u64 {
        self.overrides
    }

    /// `data` converted for the fast evaluator, when one of `formats` renders `name`
    /// fast and [`Data`] holds it faithfully.
    fn data<T: Serialize + ?Sized>(
        &self,
        name: &str,
        formats: &[&Format],
        data: &T,
    ) -> Option<Data> {
        if formats.iter().any(|format| format.fast.supports(name)) {
            data::to_data(data).ok()
        } else {
            None
        }
    }

    /// Renders an HTML template.
    pub fn html<T: Serialize>(&self, name: &str, data: &T) -> Result<String, Error> {
        let page = self.data(name, &[&self.html], data);
        self.html.render(name, page.as_ref(), || {
            context(data, &format!("html/{name}.hbs"))
        })
    }

    /// Renders the Markdown and the HTML template of one name from the same data,
    /// converting the data for the templates once.
    pub fn both<T: Serialize>(&self, name: &str, data: &T) -> Result<(String, String), Error> {
        let page = self.data(name, &[&self.markdown, &self.html], data);
        self.both_of(name, page.as_ref(), || context(data, name))
    }

    /// [`Templates::both`] for a large page, such as the comparative report of
    /// thousands of cases: the data is dropped once converted, so that the data and its
    /// converted form are not held at once, and the two formats are rendered side by
    /// side.
    ///
    /// `capacity` is about how long each format's text may grow: its buffer is that long
    /// from the start, where growing it by doubling would leave each smaller buffer
    /// behind (a reservation costs memory only where it is written).
    pub fn both_owned<T: Serialize + Sync>(
        &self,
        name: &str,
        data: T,
        capacity: usize,
    ) -> Result<(String, String), Error> {
        let page = self.data(name, &[&self.markdown, &self.html], &data);
        let page = match page {
            Some(page) => {
                drop(data);
                Ok(page)
            }
            None => Err(data),
        };
        let context = || match &page {
            Ok(page) => context(page, name),
            Err(data) => context(data, name),
        };
        let converted = page.as_ref().ok();
        let (markdown, html) = rayon::join(
            || {
                self.markdown
                    .render_sized(name, converted, capacity, context)
            },
            || self.html.render_sized(name, converted, capacity, context),
        );
        Ok((markdown?, html?))
    }

    /// Renders both formats over `page`; a format the fast evaluator declines gets the
    /// context `context` makes (made once per such format: on the slow path only).
    fn both_of(
        &self,
        name: &str,
        page: Option<&Data>,
        context: impl Fn() -> Result<Context, Error>,
    ) -> Result<(String, String), Error> {
        let markdown = self.markdown.render(name, page, &context)?;
        let html = self.html.render(name, page, &context)?;
        Ok((markdown, html))
    }

    /// Renders a Markdown template.
    pub fn markdown<T: Serialize>(&self, name: &str, data: &T) -> Result<String, Error> {
        let page = self.data(name, &[&self.markdown], data);
        self.markdown.render(name, page.as_ref(), || {
            context(data, &format!("md/{name}.hbs"))
        })
    }
}
