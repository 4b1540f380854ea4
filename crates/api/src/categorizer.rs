//! Chooses entries' categories in the background, off the write path: new
//! entries, entries whose page metadata arrived and entries whose public
//! count passed a milestone are due (`bukuma_db::categories::due`); the
//! job classifies them in batches under the `categories` lease and, from
//! time to time, retrains the model with the categories users and admins
//! chose (`Classifier::train_with`) and uses the new one from then on.
//!
//! The model sits behind [`CategoryModel`], so that tests can put a
//! deterministic one in its place ([`Categorizer::use_model`]).

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use actix_web::web;
use bukuma_categories::{Classifier, Document};
use bukuma_db::categories::{self, EntryText};
use bukuma_db::{leases, now_micros, Db, DbError};
use bukuma_domain::{Category, EntryId};

/// Chooses a category for what is known of an entry.
pub trait CategoryModel: Send + Sync {
    fn classify(&self, doc: &Document) -> Category;
}

impl CategoryModel for Classifier {
    fn classify(&self, doc: &Document) -> Category {
        Classifier::classify(self, doc)
    }
}

/// The model trained from the committed set.
struct Builtin(&'static Classifier);

impl CategoryModel for Builtin {
    fn classify(&self, doc: &Document) -> Category {
        self.0.classify(doc)
    }
}

/// Makes a model from labelled documents (the corrections).
pub type Trainer = Arc<dyn Fn(&[(Document, Category)]) -> Arc<dyn CategoryModel> + Send + Sync>;

/// Why the job could not run.
#[derive(Debug, thiserror::Error)]
pub enum CategorizeError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("the category model is unavailable: {0}")]
    Model(String),
}

/// The model in use and how to train the next one.
pub struct Categorizer {
    /// `None` until first needed (the builtin model loads lazily).
    model: RwLock<Option<Arc<dyn CategoryModel>>>,
    /// Why the builtin model failed to load, once it did.
    failed: Mutex<Option<String>>,
    train: RwLock<Trainer>,
    /// [`categories::corrections_mark`] of the corrections the model in
    /// use was trained on.
    trained_on: Mutex<Option<(i64, Option<i64>)>>,
}

impl Categorizer {
    /// The classifier trained from the committed set, retrained with
    /// `Classifier::train_with`.
    pub fn builtin() -> Self {
        Categorizer {
            model: RwLock::new(None),
            failed: Mutex::new(None),
            train: RwLock::new(Arc::new(|extra: &[(Document, Category)]| {
                Arc::new(Classifier::train_with(extra)) as Arc<dyn CategoryModel>
            })),
            trained_on: Mutex::new(None),
        }
    }

    /// A categorizer using `model`, and `train` to retrain.
    pub fn new(model: Arc<dyn CategoryModel>, train: Trainer) -> Self {
        let c = Categorizer::builtin();
        c.use_model(model, train);
        c
    }

    /// Uses `model` from now on, and `train` to retrain.
    pub fn use_model(&self, model: Arc<dyn CategoryModel>, train: Trainer) {
        *self.model.write().unwrap_or_else(|p| p.into_inner()) = Some(model);
        *self.train.write().unwrap_or_else(|p| p.into_inner()) = train;
        *self.trained_on.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The model in use, loading the builtin one the first time.
    pub fn model(&self) -> Result<Arc<dyn CategoryModel>, CategorizeError> {
        if let Some(m) = self
            .model
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            return Ok(m.clone());
        }
        let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(why) = failed.as_ref() {
            return Err(CategorizeError::Model(why.clone()));
        }
        // A model that cannot load must not take the job's thread with it.
        match std::panic::catch_unwind(Classifier::builtin) {
            Ok(c) => {
                let m: Arc<dyn CategoryModel> = Arc::new(Builtin(c));
                *self.model.write().unwrap_or_else(|p| p.into_inner()) = Some(m.clone());
                Ok(m)
            }
            Err(panic) => {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "it panicked while loading".into());
                *failed = Some(why.clone());
                Err(CategorizeError::Model(why))
            }
        }
    }

    /// The category of `text` by the model in use.
    pub fn classify(&self, text: &EntryText) -> Result<Category, CategorizeError> {
        Ok(self.model()?.classify(&document(text)))
    }
}

/// What the classifier reads of an entry.
pub fn document(text: &EntryText) -> Document {
    Document {
        title: text.title.clone(),
        summary: text.summary.clone(),
        domain: text.domain.clone(),
        tags: text.tags.clone(),
    }
}

/// Entries classified in one write transaction.
pub const BATCH: i64 = 200;
/// Most batches one round of the job classifies (the rest wait for the next).
const BATCHES_PER_ROUND: usize = 50;
/// Pause between two batches, for the writers queued meanwhile.
const BATCH_PAUSE: Duration = Duration::from_millis(5);
/// Corrections a model is retrained with, newest first.
pub const MAX_CORRECTIONS: i64 = 20_000;
/// How often the job looks for new corrections to retrain with.
const RETRAIN_EVERY: Duration = Duration::from_secs(600);
/// How often the job runs.
const INTERVAL: Duration = Duration::from_secs(2);

/// Classifies one batch of the entries due and stores the answers; returns
/// how many entries were due in it.
pub fn categorize_batch(db: &Db, categorizer: &Categorizer) -> Result<usize, CategorizeError> {
    let due = db.read(|c| categories::due(c, BATCH))?;
    if due.is_empty() {
        return Ok(0);
    }
    let model = categorizer.model()?;
    let answers: Vec<(EntryId, i64, Category)> = due
        .iter()
        .map(|d| (d.text.id, d.due, model.classify(&document(&d.text))))
        .collect();
    let changed = db.write(|c| categories::store_auto(c, &answers, now_micros()))?;
    metrics::counter!("bukuma_categorized_total").increment(answers.len() as u64);
    tracing::debug!(classified = answers.len(), changed, "entries categorized");
    Ok(due.len())
}

/// Classifies the entries due, a batch at a time, at most `max_batches`
/// of them; returns how many were classified.
pub fn categorize_due(
    db: &Db,
    categorizer: &Categorizer,
    max_batches: usize,
) -> Result<usize, CategorizeError> {
    let mut total = 0;
    for _ in 0..max_batches {
        let n = categorize_batch(db, categorizer)?;
        total += n;
        if (n as i64) < BATCH {
            break;
        }
        std::thread::sleep(BATCH_PAUSE);
    }
    Ok(total)
}

/// Trains a new model with the corrections when they changed since the
/// model in use was trained (or, the first time, when there are any), and
/// uses it from then on; whether it did.
pub fn retrain(db: &Db, categorizer: &Categorizer) -> Result<bool, CategorizeError> {
    let mark = db.read(categories::corrections_mark)?;
    {
        let trained_on = categorizer
            .trained_on
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let unchanged = match *trained_on {
            Some(m) => m == mark,
            None => mark.0 == 0,
        };
        if unchanged {
            return Ok(false);
        }
    }
    let corrections = db.read(|c| categories::corrections(c, MAX_CORRECTIONS))?;
    let labelled: Vec<(Document, Category)> = corrections
        .iter()
        .map(|c| (document(&c.text), c.category))
        .collect();
    let train = categorizer
        .train
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let started = Instant::now();
    let model = train(&labelled);
    *categorizer.model.write().unwrap_or_else(|p| p.into_inner()) = Some(model);
    *categorizer
        .trained_on
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(mark);
    tracing::info!(
        corrections = labelled.len(),
        seconds = started.elapsed().as_secs_f64(),
        "category model retrained"
    );
    Ok(true)
}

/// Runs the categories job every few seconds until the server stops: under
/// the `categories` lease, retrains when corrections changed (checked every
/// ten minutes), then classifies the entries due.
pub fn spawn(db: Db, categorizer: Arc<Categorizer>) {
    let me = format!("{}-{}", std::process::id(), now_micros());
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(INTERVAL);
        let mut last_check: Option<Instant> = None;
        let mut reported = false;
        loop {
            tick.tick().await;
            let check = last_check.is_none_or(|t| t.elapsed() >= RETRAIN_EVERY);
            let (db, categorizer, me) = (db.clone(), categorizer.clone(), me.clone());
            let result = web::block(move || -> Result<Option<usize>, CategorizeError> {
                let now = now_micros();
                let until = now + 60_000_000;
                if !db.write(|c| leases::acquire(c, "categories", &me, now, until))? {
                    return Ok(None);
                }
                if check {
                    retrain(&db, &categorizer)?;
                }
                categorize_due(&db, &categorizer, BATCHES_PER_ROUND).map(Some)
            })
            .await;
            let outcome = match &result {
                Ok(Ok(Some(_))) => "ok",
                Ok(Ok(None)) => "elsewhere",
                _ => "failed",
            };
            metrics::counter!("bukuma_job_runs_total", "job" => "categories", "outcome" => outcome)
                .increment(1);
            match result {
                Ok(Ok(Some(_))) => {
                    if check {
                        last_check = Some(Instant::now());
                    }
                }
                Ok(Ok(None)) => {}
                // Said once: it stays so until the binary changes.
                Ok(Err(e @ CategorizeError::Model(_))) => {
                    if !reported {
                        tracing::error!(error = %e, "categories job cannot classify");
                        reported = true;
                    }
                }
                Ok(Err(e)) => tracing::error!(error = %e, "categories job failed"),
                Err(e) => tracing::error!(error = %e, "categories job panicked"),
            }
        }
    });
}
