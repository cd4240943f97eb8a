//! Pass 2, after every sentence is scanned: single surnames merged into full names, later
//! mentions linked (surnames, organisation names and their acronyms, the dateline's place), then
//! roles given in apposition and the members of groups.
//!
//! It only links to entities pass 1 found; it must not create new ones.

use std::collections::HashMap;

use super::scan::lexicon_match;
use super::{Found, Kind};
use crate::intel::lexicon::{words, Cat, Lexicon};
use crate::intel::text::{is_capitalised, key, Doc, Style, TokKind};

/// "Biden" found alone (after "President" or "Mr.") joins "Joe Biden" when one full name ends so.
pub(super) fn merge_single_names(f: &mut Found) {
    let people: Vec<usize> = (0..f.ents.len()).filter(|&e| f.ents[e].kind == Kind::Person).collect();
    for &single in &people {
        if f.ents[single].tokens.len() != 1 {
            continue;
        }
        let surname = f.ents[single].tokens[0].clone();
        let target = people
            .iter()
            .copied()
            .find(|&p| p != single && f.ents[p].tokens.len() > 1 && f.ents[p].tokens.last() == Some(&surname));
        if let Some(t) = target {
            let roles = std::mem::take(&mut f.ents[single].roles);
            for r in roles {
                f.add_role(t, &r);
            }
            f.ents[single].merged_into = Some(t);
        }
    }
}

/// Pass 2: surnames, organisation names and aliases, the dateline's place.
pub(super) fn link(doc: &Doc<'_>, f: &mut Found) {
    // surname -> people with that last name word
    let mut surnames: HashMap<String, Vec<usize>> = HashMap::new();
    for (e, ent) in f.ents.iter().enumerate() {
        if ent.kind == Kind::Person && ent.merged_into.is_none() {
            if let Some(last) = ent.tokens.last() {
                surnames.entry(last.clone()).or_default().push(e);
            }
        }
    }
    // Most recent mention of each entity, to choose among people sharing a surname.
    let mut last_seen: HashMap<usize, usize> = HashMap::new();
    let mut hit_order: Vec<(usize, usize)> = f.hits.iter().map(|h| (h.tok_start, h.entity)).collect();
    hit_order.sort_unstable();
    let mut next_hit = 0;
    let mut i = 0;
    while i < doc.tokens.len() {
        while next_hit < hit_order.len() && hit_order[next_hit].0 <= i {
            last_seen.insert(f.resolve(hit_order[next_hit].1), hit_order[next_hit].0);
            next_hit += 1;
        }
        if doc.kind(i) != TokKind::Word || doc.style(i) == Style::Shouting {
            i += 1;
            continue;
        }
        let w = doc.tok(i);
        if let Some(h) = f.cover[i] {
            // A place word that is also a person's surname, followed by a speech verb: the person.
            let hit = f.hits[h];
            if hit.tok_end == i + 1 && f.ents[hit.entity].kind == Kind::Place {
                if let Some(people) = surnames.get(w) {
                    let locative = i > 0
                        && doc.same_sentence(i, i - 1)
                        && words().locatives.contains(key(doc.tok(i - 1)).as_str());
                    if !locative {
                        f.hits[h].entity = people[0];
                    }
                }
            }
            i += 1;
            continue;
        }
        if let Some(people) = surnames.get(w).filter(|_| is_capitalised(w)) {
            let p = *people.iter().max_by_key(|p| last_seen.get(p).copied().map_or(0, |x| x + 1)).unwrap_or(&people[0]);
            // Extend back over earlier parts of the name ("Joe" before "Biden").
            let toks = &f.ents[p].tokens;
            let mut start = i;
            let mut k = toks.len() - 1;
            while k > 0 && start > 0 && f.cover[start - 1].is_none() && doc.tok(start - 1) == toks[k - 1] {
                start -= 1;
                k -= 1;
            }
            f.add_hit(doc, p, start, i + 1);
            last_seen.insert(p, i);
            i += 1;
            continue;
        }
        if is_capitalised(w) {
            if let Some(cands) = f.linkable.get(&key(w)) {
                let matched = cands.iter().find(|(toks, _)| {
                    toks.iter().enumerate().all(|(n, t)| {
                        doc.get(i + n).is_some_and(|x| key(x) == *t)
                            && f.cover.get(i + n).is_some_and(Option::is_none)
                            && doc.same_sentence(i, i + n)
                    })
                });
                if let Some((toks, e)) = matched.cloned() {
                    f.add_hit(doc, e, i, i + toks.len());
                    i += toks.len();
                    continue;
                }
            }
        }
        i += 1;
    }
}

/// "Jen Psaki, the White House press secretary, said": the role after the comma.
pub(super) fn appositive_roles(doc: &Doc<'_>, lex: &Lexicon, f: &mut Found) {
    let mut found: Vec<(usize, String)> = Vec::new();
    for h in &f.hits {
        let e = f.resolve(h.entity);
        if f.ents[e].kind != Kind::Person || !doc.is_punct(h.tok_end, ",") {
            continue;
        }
        let mut k = h.tok_end + 1;
        if matches!(doc.get(k), Some("the" | "a" | "an")) {
            k += 1;
        }
        let role_start = k;
        while k < doc.tokens.len() && k < role_start + 6 && doc.same_sentence(h.tok_start, k) {
            if let Some((len, entry)) = lexicon_match(doc, lex, k) {
                if entry.cat == Cat::Role {
                    let end = k + len;
                    let closes = doc.get(end).is_none_or(|t| matches!(t, "," | "." | ";" | "who" | "said"));
                    if closes {
                        let role = &doc.text[doc.tokens[role_start].start..doc.tokens[end - 1].end];
                        found.push((e, role.to_string()));
                    }
                    break;
                }
                if entry.cat == Cat::Demonym || f.hit_at(k).is_some() {
                    k += len;
                    continue;
                }
            }
            if f.hit_at(k).is_some() || (doc.is_word(k) && lex.is_modifier(doc.tok(k))) {
                k += 1;
                continue;
            }
            break;
        }
    }
    for (e, role) in found {
        f.add_role(e, &role);
    }
}

/// "The G7 includes the United States, United Kingdom, France …": members of the group.
pub(super) fn members(doc: &Doc<'_>, f: &mut Found) {
    let mut found: Vec<(usize, String)> = Vec::new();
    for h in &f.hits {
        let g = f.resolve(h.entity);
        if f.ents[g].kind != Kind::Organisation {
            continue;
        }
        let mut k = h.tok_end;
        if matches!(doc.get(k), Some("now" | "currently" | "also")) {
            k += 1;
        }
        let verb = doc.get(k).unwrap_or("");
        let consists = matches!(verb, "consists" | "is") && matches!(doc.get(k + 1), Some("of" | "made"));
        if !(words().membership_verbs.contains(verb) || consists) || !doc.same_sentence(h.tok_start, k) {
            continue;
        }
        let sentence = doc.sentences[doc.sentence_of[k]];
        let mut j = k + 1;
        while j < sentence.tok_end && j < k + 80 {
            if let Some(m) = f.hit_at(j) {
                let e = f.resolve(m.entity);
                if f.ents[e].kind == Kind::Place {
                    found.push((g, f.ents[e].name.clone()));
                }
                j = m.tok_end.max(j + 1);
            } else {
                j += 1;
            }
        }
    }
    for (g, name) in found {
        if !f.ents[g].members.contains(&name) {
            f.ents[g].members.push(name);
        }
    }
}
