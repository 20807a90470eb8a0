//! Random primes for RSA keys, found with a sieve before any modular
//! exponentiation.
//!
//! The `rsa` crate's own search (Go's legacy `rand.Prime`) rules out only
//! multiples of the primes up to 53 before a Miller–Rabin test, so about 200
//! exponentiations go into each 2048-bit prime, and a 4096-bit key (Sprig's
//! `genPrivateKey "rsa"`) took seconds. Here a random odd start is walked in
//! steps of two, and an offset is tested only when it is not a multiple of any
//! prime below [`SIEVE_LIMIT`] (nor one more than a multiple of 65537, which
//! keeps `e = 65537` invertible): about 2.5 times fewer exponentiations.
//! A survivor passes Miller–Rabin to base 2 and then random bases.

use rsa::BigUint;

/// Primes below this bound sieve the candidates.
const SIEVE_LIMIT: u32 = 1 << 14;

/// Offsets walked from one random start before drawing another.
const MAX_WALK: u32 = 1 << 20;

/// The RSA public exponent (Go's and Sprig's).
pub(crate) const PUBLIC_EXPONENT: u32 = 65_537;

/// The odd primes below `limit`.
fn small_primes(limit: u32) -> Vec<u32> {
    let n = limit as usize;
    let mut composite = vec![false; n];
    let mut out = Vec::new();
    for i in 3..n {
        if composite.get(i).copied().unwrap_or(true) || i % 2 == 0 {
            continue;
        }
        out.push(i as u32);
        let mut j = i * i;
        while j < n {
            if let Some(c) = composite.get_mut(j) {
                *c = true;
            }
            j += i;
        }
    }
    out
}

/// `x mod m` from big-endian bytes.
fn residue(bytes: &[u8], m: u32) -> u32 {
    let m = u64::from(m);
    let r = bytes
        .iter()
        .fold(0_u64, |r, &b| ((r << 8) | u64::from(b)) % m);
    r as u32
}

/// A random prime of exactly `bits` bits (`bits >= 16`) whose two top bits are
/// set (so the product of two has exactly twice as many), with `p - 1` prime
/// to [`PUBLIC_EXPONENT`]. `fill` supplies random bytes.
pub(crate) fn random_prime(bits: usize, fill: &mut dyn FnMut(&mut [u8])) -> BigUint {
    let primes = small_primes(SIEVE_LIMIT);
    let len = bits.div_ceil(8);
    let top = bits - (len - 1) * 8; // bits used in the first byte, 1..=8
    let mut bytes = vec![0_u8; len];
    loop {
        fill(&mut bytes);
        if let Some(first) = bytes.first_mut() {
            *first &= u8::MAX >> (8 - top);
            if top >= 2 {
                *first |= 0b11 << (top - 2);
            } else {
                *first |= 1;
            }
        }
        if top < 2 {
            if let Some(second) = bytes.get_mut(1) {
                *second |= 0x80;
            }
        }
        if let Some(last) = bytes.last_mut() {
            *last |= 1;
        }
        let start = BigUint::from_bytes_be(&bytes);
        let residues: Vec<u32> = primes.iter().map(|&q| residue(&bytes, q)).collect();
        let res_e = residue(&bytes, PUBLIC_EXPONENT);
        let mut delta = 0_u32;
        while delta < MAX_WALK {
            let sieved = primes
                .iter()
                .zip(&residues)
                .any(|(&q, &r)| (u64::from(r) + u64::from(delta)) % u64::from(q) == 0)
                || (u64::from(res_e) + u64::from(delta)) % u64::from(PUBLIC_EXPONENT) == 1;
            if !sieved {
                let p = &start + BigUint::from(delta);
                if p.bits() != bits {
                    break;
                }
                if probably_prime(&p, fill) {
                    return p;
                }
            }
            delta += 2;
        }
    }
}

/// Miller–Rabin rounds for a sieved candidate: base 2 first (which rejects
/// nearly every composite), then random bases; 2^-100 or better for random
/// candidates of 512 bits and more (at least FIPS 186-4's appendix C.3 asks), 20
/// rounds below.
fn probably_prime(n: &BigUint, fill: &mut dyn FnMut(&mut [u8])) -> bool {
    let one = BigUint::from(1_u32);
    let two = BigUint::from(2_u32);
    let n_minus_1 = n - &one;
    let Some(s) = n_minus_1.trailing_zeros() else {
        return false;
    };
    let d = &n_minus_1 >> s;
    let witness = |a: &BigUint| -> bool {
        let mut x = a.modpow(&d, n);
        if x == one || x == n_minus_1 {
            return false;
        }
        for _ in 1..s {
            x = x.modpow(&two, n);
            if x == n_minus_1 {
                return false;
            }
            if x == one {
                return true;
            }
        }
        true
    };
    if witness(&two) {
        return false;
    }
    let rounds = if n.bits() >= 512 { 8 } else { 20 };
    let len = n.bits().div_ceil(8);
    let mut bytes = vec![0_u8; len];
    let range = n - BigUint::from(3_u32); // bases in [2, n - 2]
    for _ in 0..rounds {
        fill(&mut bytes);
        let a = BigUint::from_bytes_be(&bytes) % &range + &two;
        if witness(&a) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// A deterministic byte source for the tests (xorshift).
    fn source(seed: u64) -> impl FnMut(&mut [u8]) {
        let mut s = seed;
        move |buf: &mut [u8]| {
            for b in buf {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                *b = s as u8;
            }
        }
    }

    #[test]
    fn sieve_primes() {
        let p = small_primes(50);
        assert_eq!(p, vec![3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]);
        assert_eq!(small_primes(SIEVE_LIMIT).len(), 1899);
    }

    #[test]
    fn residues_of_bytes() {
        assert_eq!(residue(&[0x01, 0x00], 7), 256 % 7);
        assert_eq!(residue(&[0xff; 8], 65_537), (u64::MAX % 65_537) as u32);
    }

    #[test]
    fn miller_rabin_tells_primes_from_composites() {
        let mut fill = source(7);
        // 2^127 - 1 (a Mersenne prime) and 2^61 - 1.
        let m127 = (BigUint::from(1_u32) << 127) - BigUint::from(1_u32);
        let m61 = (BigUint::from(1_u32) << 61) - BigUint::from(1_u32);
        assert!(probably_prime(&m127, &mut fill));
        assert!(probably_prime(&m61, &mut fill));
        // Their product, and a Carmichael number (561 = 3·11·17) scaled up:
        // 2465 = 5·17·29 and 6601 = 7·23·41 are Carmichael numbers too.
        assert!(!probably_prime(&(&m127 * &m61), &mut fill));
        for c in [561_u32, 2465, 6601, 1_105, 41_041, 825_265] {
            assert!(!probably_prime(&BigUint::from(c), &mut fill), "{c}");
        }
        // 3215031751 = 151·751·28351 is a strong pseudoprime to bases 2, 3, 5, 7.
        assert!(!probably_prime(
            &BigUint::from(3_215_031_751_u32),
            &mut fill
        ));
    }

    #[test]
    fn random_primes_have_the_size_and_shape_asked() {
        let mut fill = source(42);
        for bits in [64, 255, 512] {
            let p = random_prime(bits, &mut fill);
            assert_eq!(p.bits(), bits);
            // Two top bits set.
            assert!(p.clone() >> (bits - 2) == BigUint::from(3_u32));
            // p - 1 is not a multiple of 65537, and p has no small factor.
            let bytes = p.to_bytes_be();
            assert_ne!(residue(&bytes, PUBLIC_EXPONENT), 1);
            for q in small_primes(2000) {
                assert_ne!(residue(&bytes, q), 0);
            }
        }
    }
}
