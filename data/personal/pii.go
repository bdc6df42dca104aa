// Package personal seals personal data (个人信息) at rest: applicants'
// records under data keys that a master key outside the database wraps,
// and the keyed hashes of phone numbers that lookups by phone use.
package personal

import (
	"context"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
	"gorm.io/gorm"

	"qingdan/data/applicant"
	"qingdan/data/store"
)

// ErrPIIKey: the personal-data master key does not open the data keys in
// the database (a wrong or missing --pii-key). The server refuses to start.
var ErrPIIKey = errors.New("the personal-data key does not fit this database")

// Key purposes (pii_keys.purpose).
const (
	piiPurposeData   = "data"   // seals applicants' records
	piiPurposeLookup = "lookup" // keys the HMAC of phone numbers
)

// Domain separation of every use of a key.
const (
	wrapDomain   = "qingdan/pii/wrap/v1\x00"
	recordDomain = "qingdan/pii/applicant/v1\x00"
	phoneDomain  = "qingdan/pii/phone/v1\x00"
)

// PII seals and opens applicants' personal data (个人信息) at rest.
//
// Each applicant's record (salt, applicant, summary, withdrawal reason) is
// sealed with XChaCha20-Poly1305 under a data key (DEK: 32 random bytes, a
// random 24-byte nonce per record), with the application number and the
// key's ID as associated data, so that a sealed record moved to another
// row does not open. Data keys are stored in pii_keys wrapped (the same
// AEAD) by the master key, which lives outside the database
// (PIIMasterKey). A phone number is also kept as an HMAC-SHA-256 under
// the lookup key (phone_mac) for lookups by phone; the lookup key is
// wrapped like a data key, so rotating the master key changes no MAC.
//
// The data keys are unwrapped once, when OpenPII starts: a running server
// needs the master key again only for a data key it has not seen (one a
// replica created), and then reads the key file again (reload).
type PII struct {
	db     *store.DB
	reload func() ([]PIIMasterKey, error)

	mu      sync.RWMutex
	masters []PIIMasterKey
	keys    map[string]cipher.AEAD // data keys by ID
	current string                 // the data key new records are sealed with
	lookup  []byte
}

// OpenPII unwraps the database's data keys with masters (the key file's
// keys, current first), creating the data and lookup keys on first use. It
// fails with ErrPIIKey when a data key is wrapped by none of masters.
// reload, if set, reads the key file again (after a rotation).
func OpenPII(ctx context.Context, db *store.DB, masters []PIIMasterKey, reload func() ([]PIIMasterKey, error)) (*PII, error) {
	if len(masters) == 0 {
		return nil, fmt.Errorf("data: %w: no master key", ErrPIIKey)
	}
	p := &PII{db: db, reload: reload, masters: masters}
	if err := p.load(ctx); err != nil {
		return nil, err
	}
	if p.current != "" && p.lookup != nil {
		return p, nil
	}
	if err := p.createKeys(ctx); err != nil {
		return nil, err
	}
	return p, p.load(ctx)
}

type wrappedKey struct {
	ID, Purpose, MasterID string
	Wrapped               []byte
}

func readWrappedKeys(g *gorm.DB) ([]wrappedKey, error) {
	var rows []wrappedKey
	err := g.Raw(`SELECT id, purpose, master_id, wrapped FROM pii_keys ORDER BY created_at, id`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("data: pii keys: %w", err)
	}
	return rows, nil
}

// load unwraps every key in pii_keys. The first data key (by creation)
// is the current one, so replicas that created keys at once agree.
func (p *PII) load(ctx context.Context) error {
	// The reader pool: load may run inside a projection, which holds
	// SQLite's one writer connection.
	rows, err := readWrappedKeys(p.db.Reader.WithContext(ctx))
	if err != nil {
		return err
	}
	keys, current, lookup := map[string]cipher.AEAD{}, "", []byte(nil)
	for _, r := range rows {
		raw, err := unwrapKey(p.masters, r)
		if err != nil {
			return err
		}
		switch r.Purpose {
		case piiPurposeData:
			aead, _ := chacha20poly1305.NewX(raw)
			keys[r.ID] = aead
			if current == "" {
				current = r.ID
			}
		case piiPurposeLookup:
			if lookup == nil {
				lookup = raw
			}
		}
	}
	p.mu.Lock()
	p.keys, p.current, p.lookup = keys, current, lookup
	p.mu.Unlock()
	return nil
}

func unwrapKey(masters []PIIMasterKey, r wrappedKey) ([]byte, error) {
	ids := make([]string, len(masters))
	for i, m := range masters {
		ids[i] = m.ID
		if m.ID != r.MasterID {
			continue
		}
		aead, _ := chacha20poly1305.NewX(m.key[:])
		raw, err := openSealed(aead, r.Wrapped, wrapAD(r.Purpose, r.ID))
		if err != nil || len(raw) != chacha20poly1305.KeySize {
			return nil, fmt.Errorf("data: %w: data key %s does not open under master key %s (damaged pii_keys row?)", ErrPIIKey, r.ID, m.ID)
		}
		return raw, nil
	}
	return nil, fmt.Errorf("data: %w: data key %s is wrapped by master key %s; the key file holds %v (wrong --pii-key file?)",
		ErrPIIKey, r.ID, r.MasterID, ids)
}

func wrapAD(purpose, id string) []byte { return []byte(wrapDomain + purpose + "\x00" + id) }

func wrapKey(m PIIMasterKey, purpose, id string, raw []byte) []byte {
	aead, _ := chacha20poly1305.NewX(m.key[:])
	return seal(aead, raw, wrapAD(purpose, id))
}

// createKeys adds what is missing of a data key and a lookup key.
func (p *PII) createKeys(ctx context.Context) error {
	master := p.masters[0]
	now := time.Now().UTC().Format(time.RFC3339Nano)
	return p.db.Writer.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, purpose := range []string{piiPurposeData, piiPurposeLookup} {
			if (purpose == piiPurposeData && p.current != "") || (purpose == piiPurposeLookup && p.lookup != nil) {
				continue
			}
			raw, id := make([]byte, chacha20poly1305.KeySize), make([]byte, 8)
			rand.Read(raw)
			rand.Read(id)
			hid := hex.EncodeToString(id)
			if err := tx.Exec(`INSERT INTO pii_keys (id, purpose, master_id, wrapped, created_at) VALUES (?,?,?,?,?)`,
				hid, purpose, master.ID, wrapKey(master, purpose, hid, raw), now).Error; err != nil {
				return fmt.Errorf("data: pii keys: %w", err)
			}
		}
		return nil
	})
}

func seal(aead cipher.AEAD, plain, ad []byte) []byte {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, ad)
}

func openSealed(aead cipher.AEAD, sealed, ad []byte) ([]byte, error) {
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("sealed value too short")
	}
	return aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], ad)
}

// Record is what an applicants row seals.
type Record struct {
	Salt      []byte              `json:"salt"`
	Applicant applicant.Applicant `json:"applicant"`
	Summary   string              `json:"summary"`
	// WithdrawalReason is the free text of a public withdrawal: off the
	// ledger, erased with the rest.
	WithdrawalReason string `json:"withdrawal_reason,omitempty"`
}

func recordAD(number, keyID string) []byte { return []byte(recordDomain + number + "\x00" + keyID) }

// sealRecord seals rec for the application number under the current data
// key and returns the key's ID and the sealed bytes.
func (p *PII) sealRecord(number string, rec *Record) (string, []byte, error) {
	plain, err := json.Marshal(rec)
	if err != nil {
		return "", nil, err
	}
	p.mu.RLock()
	id, aead := p.current, p.keys[p.current]
	p.mu.RUnlock()
	if aead == nil {
		return "", nil, fmt.Errorf("data: %w: no data key", ErrPIIKey)
	}
	return id, seal(aead, plain, recordAD(number, id)), nil
}

// Open opens a sealed record. A data key not seen yet (created by
// a replica) is read from the database, with the key file read again.
func (p *PII) Open(ctx context.Context, number, keyID string, sealed []byte) (*Record, error) {
	p.mu.RLock()
	aead := p.keys[keyID]
	p.mu.RUnlock()
	if aead == nil {
		if err := p.refresh(ctx); err != nil {
			return nil, err
		}
		p.mu.RLock()
		aead = p.keys[keyID]
		p.mu.RUnlock()
		if aead == nil {
			return nil, fmt.Errorf("data: personal data of %s: %w: no data key %s", number, ErrPIIKey, keyID)
		}
	}
	plain, err := openSealed(aead, sealed, recordAD(number, keyID))
	if err != nil {
		return nil, fmt.Errorf("data: personal data of %s does not open (damaged, or moved from another row): %w", number, err)
	}
	var rec Record
	if err := json.Unmarshal(plain, &rec); err != nil {
		return nil, fmt.Errorf("data: personal data of %s: %w", number, err)
	}
	return &rec, nil
}

func (p *PII) refresh(ctx context.Context) error {
	if p.reload != nil {
		if masters, err := p.reload(); err == nil {
			p.mu.Lock()
			p.masters = masters
			p.mu.Unlock()
		}
	}
	return p.load(ctx)
}

// PhoneMAC is the keyed hash of a phone number (normalised as
// applicant.Normalize does) that the applicants table keeps for lookups by
// phone: HMAC-SHA-256 under the lookup key. Equal phones give equal MACs;
// without the key (in the database only wrapped) a MAC cannot be tested
// against guessed numbers.
func (p *PII) PhoneMAC(phone string) []byte {
	a := applicant.Applicant{Phone: phone}
	a.Normalize()
	p.mu.RLock()
	m := hmac.New(sha256.New, p.lookup)
	p.mu.RUnlock()
	m.Write([]byte(phoneDomain + a.Phone))
	return m.Sum(nil)
}

// Sealed is an applicants row's sealed columns.
type Sealed struct {
	KeyID    string
	Sealed   []byte
	PhoneMAC []byte
}

// Seal seals rec for the application number: the record under the current
// data key, and the MAC of its phone.
func (p *PII) Seal(number string, rec *Record) (Sealed, error) {
	id, sealed, err := p.sealRecord(number, rec)
	return Sealed{KeyID: id, Sealed: sealed, PhoneMAC: p.PhoneMAC(rec.Applicant.Phone)}, err
}

// SealPlaintext is the one-time upgrade step of migration 0013: it seals
// every applicants row still in plain text (written before it), in
// batches of one transaction each, and then removes the plain text's
// remnants from the database file: VACUUM rewrites it without free pages
// (the writer runs with secure_delete, so what later changes is zeroed),
// and the WAL is checkpointed and truncated. It is idempotent and
// crash-safe: a row is sealed or not, and the pii_upgrade row that asks
// for the step goes only when all of it is done. It returns how many rows
// it sealed.
func (p *PII) SealPlaintext(ctx context.Context, logger *slog.Logger) (int, error) {
	var pending int64
	if err := p.db.Writer.WithContext(ctx).Raw(`SELECT count(*) FROM pii_upgrade WHERE step = 'seal'`).Scan(&pending).Error; err != nil {
		return 0, fmt.Errorf("data: pii upgrade: %w", err)
	}
	if pending == 0 {
		return 0, nil
	}
	if logger == nil {
		logger = slog.Default()
	}
	total := 0
	for {
		n, err := p.sealBatch(ctx)
		if err != nil {
			return total, err
		}
		if total += n; n == 0 {
			break
		}
	}
	if err := p.wipeFreeSpace(ctx, logger); err != nil {
		return total, err
	}
	if err := p.db.Writer.WithContext(ctx).Exec(`DELETE FROM pii_upgrade WHERE step = 'seal'`).Error; err != nil {
		return total, fmt.Errorf("data: pii upgrade: %w", err)
	}
	return total, nil
}

const sealBatchSize = 500

func (p *PII) sealBatch(ctx context.Context) (int, error) {
	n := 0
	err := p.db.Writer.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []struct {
			Number   string
			Salt     []byte
			Personal string
		}
		if err := tx.Raw(`SELECT number, salt, personal FROM applicants WHERE key_id = '' LIMIT ?`, sealBatchSize).Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			rec := Record{Salt: r.Salt}
			if err := json.Unmarshal([]byte(r.Personal), &rec); err != nil {
				return fmt.Errorf("data: personal data of %s: %w", r.Number, err)
			}
			s, err := p.Seal(r.Number, &rec)
			if err != nil {
				return err
			}
			if err := tx.Exec(`UPDATE applicants SET salt = ?, personal = '', key_id = ?, sealed = ?, phone_mac = ? WHERE number = ? AND key_id = ''`,
				[]byte{}, s.KeyID, s.Sealed, s.PhoneMAC, r.Number).Error; err != nil {
				return err
			}
		}
		n = len(rows)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("data: sealing personal data: %w", err)
	}
	return n, nil
}

// wipeFreeSpace rewrites the database without the free pages and free
// space in pages that may still hold plain text.
func (p *PII) wipeFreeSpace(ctx context.Context, logger *slog.Logger) error {
	w := p.db.Writer.WithContext(ctx)
	if p.db.Dialect != store.DialectSQLite {
		// PostgreSQL keeps old row versions until a vacuum; VACUUM FULL
		// rewrites the table (the table's owner may run it).
		if err := w.Exec(`VACUUM FULL applicants`).Error; err != nil {
			logger.Warn("personal data sealed; run VACUUM FULL applicants as the table's owner to drop the old plain-text row versions", "err", err)
		}
		return nil
	}
	if err := w.Exec(`VACUUM`).Error; err != nil {
		return fmt.Errorf("data: pii upgrade: vacuum: %w", err)
	}
	// On the writer, whose file handle grows and cuts the file exactly
	// (the checkpointer's rounds to 32 MiB and would keep an old tail).
	if err := truncateWAL(ctx, w); err != nil {
		return fmt.Errorf("data: pii upgrade: checkpoint: %w", err)
	}
	return p.db.CutTail(ctx)
}

// truncateWAL checkpoints the whole WAL into the database file and
// truncates it. SQLite answers a checkpoint that another one (the
// background checkpointer) or a reader holds off with busy = 1 rather
// than an error, so it is tried again until it completes, for at most
// about a second.
func truncateWAL(ctx context.Context, w *gorm.DB) error {
	for range 50 {
		var busy, frames, copied int
		if err := w.Raw(`PRAGMA wal_checkpoint(TRUNCATE)`).Row().Scan(&busy, &frames, &copied); err != nil {
			return err
		}
		if busy == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return errors.New("the WAL stayed busy: another checkpoint or a reader held it")
}

// RotatePIIMasterKey re-wraps every key in pii_keys under next, in one
// transaction, unwrapping them with old (the key file's keys). Records
// are not touched: the data keys stay the same, so a running server (and
// every replica) goes on reading and writing. It returns how many keys it
// re-wrapped.
func RotatePIIMasterKey(ctx context.Context, db *store.DB, old []PIIMasterKey, next PIIMasterKey) (int, error) {
	n := 0
	err := db.Writer.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		rows, err := readWrappedKeys(tx)
		if err != nil {
			return err
		}
		for _, r := range rows {
			raw, err := unwrapKey(append([]PIIMasterKey{next}, old...), r)
			if err != nil {
				return err
			}
			if err := tx.Exec(`UPDATE pii_keys SET master_id = ?, wrapped = ? WHERE id = ?`,
				next.ID, wrapKey(next, r.Purpose, r.ID, raw), r.ID).Error; err != nil {
				return fmt.Errorf("data: pii keys: %w", err)
			}
		}
		n = len(rows)
		return nil
	})
	return n, err
}
