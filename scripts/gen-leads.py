#!/usr/bin/env python3
"""Writes N deterministic synthetic leads as JSONL (or CSV with --csv) for benchmarks.

Run with: python3 scripts/gen-leads.py 1000000 > target/leads-1m.jsonl
The mix is realistic for a lead form: mostly plausible leads, some typos, disposable
addresses, fake phones, missing consent and international numbers.
"""
import csv
import json
import random
import sys

FIRST = ["Jane", "Raj", "Maria", "Oliver", "Priya", "Carlos", "Alex", "Sam", "Wei", "Fatima", "John", "Ana"]
LAST = ["Doe", "Patel", "Lopez", "Smith", "Ramanathan", "Mendez", "Morgan", "Lee", "Zhang", "Khan", "Brown"]
DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "acmeroofing.com", "northwind.dev", "gmial.com",
           "yahoo.con", "mailinator.com", "fastmail.com", "hotmail.com", "icloud.com", "contoso.io"]
AREAS = ["415", "212", "312", "646", "617", "720", "305", "202", "503", "206", "555", "123"]
STREETS = ["Main Street", "Oak Avenue", "N Broadway", "Elm St Apt 4", "W 5th Street Suite 200", "Pine Rd"]
CITIES = [("Mountain View", "CA", "94043"), ("New York", "NY", "10118"), ("Chicago", "IL", "60606"),
          ("Denver", "CO", "80202"), ("Miami", "FL", "33131"), ("Seattle", "WA", "98101"), ("Austin", "TX", "99999")]
FIELDS = ["email", "phone", "first_name", "last_name", "street", "city", "state", "zip", "country",
          "ip", "user_agent", "consent", "consent_text"]


def lead(rng):
    f, l = rng.choice(FIRST), rng.choice(LAST)
    city, state, zip_ = rng.choice(CITIES)
    area = rng.choice(AREAS)
    phone = rng.choice([f"({area}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
                        f"+1 {area} {rng.randint(200, 999)} {rng.randint(0, 9999):04d}",
                        f"+44 20 7946 {rng.randint(0, 9999):04d}", "555-555-5555"])
    return {
        "email": f"{f.lower()}.{l.lower()}{rng.randint(1, 999)}@{rng.choice(DOMAINS)}",
        "phone": phone,
        "first_name": f,
        "last_name": l,
        "street": f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
        "city": city,
        "state": state,
        "zip": zip_,
        "country": "US",
        "ip": f"203.0.113.{rng.randint(1, 254)}",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
        "consent": rng.random() > 0.05,
        "consent_text": "By checking this box I agree to be contacted at the number provided.",
    }


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rng = random.Random(42)
    out = sys.stdout
    if "--csv" in sys.argv:
        w = csv.DictWriter(out, fieldnames=FIELDS)
        w.writeheader()
        for _ in range(n):
            w.writerow(lead(rng))
    else:
        for _ in range(n):
            out.write(json.dumps(lead(rng), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
