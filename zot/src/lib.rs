//! Zot6 as Hubzilla speaks it: identities, keys, signatures, discovery documents and envelopes.
//! Pure protocol: no I/O, no actix, diesel, tokio or reqwest.
