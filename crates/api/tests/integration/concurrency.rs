//! Counters stay exact under concurrent bookmark, unbookmark, star and
//! unstar requests from several users, on both backends.

use crate::harness::{both_backends, id, json, Pending, TestApp};
use futures_util::future::join_all;

const USERS: usize = 6;
const URLS: usize = 6;
const REQUESTS: usize = 200;

fn url(k: usize) -> String {
    format!("https://site{}.example.com/page/{k}", k % 3)
}

/// A small deterministic pseudo-random sequence (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

async fn counters_stay_exact_under_200_concurrent_requests(app: TestApp) {
    let mut users = Vec::new();
    for u in 0..USERS {
        users.push(app.register(&format!("user{u}")).await);
    }
    // Everybody comments on every URL first, so there is something to star.
    let mut ids = vec![vec![0i64; URLS]; USERS];
    for (u, user) in users.iter().enumerate() {
        for (k, slot) in ids[u].iter_mut().enumerate() {
            let b = app
                .bookmark(
                    &user.access,
                    &url(k),
                    json!({"comment": format!("{u} on {k}"), "tags": ["start"]}),
                )
                .await;
            *slot = id(&b);
        }
    }

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut requests = Vec::with_capacity(REQUESTS);
    for i in 0..REQUESTS {
        let u = rng.below(USERS);
        let token = users[u].access.as_str();
        // Stars concentrate on a few comments to contend on their counters.
        let (v, k) = ((u + 1 + rng.below(USERS - 1)) % USERS, rng.below(2));
        let star_path = format!("/api/v1/comments/{}/star", ids[v][k]);
        let future: Pending = match i % 4 {
            0 => {
                let tags = [json!(["a", "b"]), json!(["b", "c", "start"]), json!([])];
                app.post(
                    "/api/v1/bookmarks",
                    token,
                    json!({
                        "url": url(rng.below(URLS)),
                        "comment": format!("take {i}"),
                        "tags": tags[rng.below(3)].clone(),
                        "private": rng.below(3) == 0,
                    }),
                )
            }
            1 => app.delete(
                &format!("/api/v1/bookmarks/{}", ids[u][rng.below(URLS)]),
                token,
            ),
            2 => app.put(&star_path, token),
            _ => app.delete(&star_path, token),
        };
        requests.push(future);
    }
    let responses = join_all(requests).await;
    assert_eq!(responses.len(), REQUESTS);
    let mut by_status = std::collections::BTreeMap::new();
    for res in &responses {
        *by_status.entry(res.status.as_u16()).or_insert(0) += 1;
        assert!(
            [200, 201, 204, 404].contains(&res.status.as_u16()),
            "unexpected {}: {}",
            res.status,
            String::from_utf8_lossy(&res.body)
        );
    }
    assert!(
        by_status.get(&200).copied().unwrap_or(0) > 50,
        "{by_status:?}"
    );

    let mismatches = app.counter_mismatches();
    assert!(mismatches.is_empty(), "counters drifted: {mismatches:#?}");
    // Writes of different users never wait on each other in a cycle.
    assert_eq!(app.db().retried_writes(), 0, "writes deadlocked");

    // The API agrees with a recount of what the lists show.
    let mut public_per_url = [0i64; URLS];
    for user in &users {
        let all = app.all_bookmarks(&user.username, "limit=100", None).await;
        let profile = app
            .get(&format!("/api/v1/users/{}", user.username), None)
            .await
            .expect(200);
        assert_eq!(profile["bookmark_count"], all.len());
        for b in all {
            let k = (0..URLS)
                .find(|k| b["entry"]["url"] == url(*k))
                .expect("a known URL");
            public_per_url[k] += 1;
        }
    }
    let query: Vec<String> = (0..URLS)
        .map(|k| format!("url={}", crate::harness::enc(&url(k))))
        .collect();
    let counts = app
        .get(&format!("/api/v1/entries/counts?{}", query.join("&")), None)
        .await
        .expect(200);
    for (k, expected) in public_per_url.iter().enumerate() {
        assert_eq!(counts[url(k)], *expected, "{}", url(k));
    }
}
both_backends!(async counters_stay_exact_under_200_concurrent_requests);
