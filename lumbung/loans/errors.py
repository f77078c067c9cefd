"""Refusal codes of the loans app (see lumbung/core/errors.py)."""

from lumbung.core.errors import define_messages

# Products, applications, approvals, disbursement and repayments.
define_messages({
    "LOAN_PRODUCT_INACTIVE": (
        "Produk pinjaman {product} tidak aktif atau tidak ada.",
        "Loan product {product} is inactive or does not exist.",
    ),
    "LOAN_PRODUCT_CONTRACT": (
        "Akad {contract} tidak tersedia untuk koperasi jenis {kind}.",
        "Contract {contract} is not available to a {kind} cooperative.",
    ),
    "LOAN_AMOUNT_RANGE": (
        "Jumlah pinjaman harus antara {minimum} dan {maximum}.",
        "The loan amount must be between {minimum} and {maximum}.",
    ),
    "LOAN_TERM_RANGE": (
        "Jangka waktu harus antara {minimum} dan {maximum} bulan.",
        "The term must be between {minimum} and {maximum} months.",
    ),
    "LOAN_MEMBER_NOT_ACTIVE": (
        "{member} bukan anggota aktif; pinjaman hanya untuk anggota (Permenkop 8/2023).",
        "{member} is not an active member; loans are for members only (Permenkop 8/2023).",
    ),
    "LOAN_LENDING_LIMIT": (
        "Melebihi batas maksimum pemberian pinjaman (BMPP): pinjaman anggota ini menjadi {total}, "
        "batasnya {limit} ({percent}% modal sendiri {own_capital}).",
        "Above the lending limit (BMPP): this member would owe {total}, the limit is {limit} "
        "({percent}% of own capital {own_capital}).",
    ),
    "LOAN_NOT_PENDING": (
        "Pengajuan ini sudah diputuskan ({status}).",
        "This application has already been decided ({status}).",
    ),
    "LOAN_ALREADY_VOTED": (
        "Anda sudah memberi keputusan atas pengajuan ini.",
        "You have already decided on this application.",
    ),
    "LOAN_MAKER_APPROVES": (
        "Petugas yang mengajukan tidak boleh menyetujui pengajuannya sendiri.",
        "The officer who submitted an application cannot approve it.",
    ),
    "LOAN_APPROVAL_LIMIT": (
        "Batas wewenang persetujuan pinjaman Anda ({limit}) tidak cukup untuk {amount}.",
        "Your loan approval limit ({limit}) does not cover {amount}.",
    ),
    "LOAN_NOT_DISBURSABLE": (
        "Pinjaman {loan} tidak dapat dicairkan (status: {status}).",
        "Loan {loan} cannot be disbursed (status: {status}).",
    ),
    "LOAN_NOT_ACTIVE": (
        "Pinjaman {loan} tidak sedang berjalan (status: {status}).",
        "Loan {loan} is not running (status: {status}).",
    ),
    "LOAN_AMOUNT_POSITIVE": (
        "Jumlah pembayaran harus lebih dari nol.",
        "The payment must be above zero.",
    ),
    "LOAN_PAYOFF_AMOUNT": (
        "Pelunasan dipercepat pinjaman {loan} memerlukan {required}; dibayar {paid}.",
        "Early payoff of loan {loan} needs {required}; {paid} was paid.",
    ),
    "LOAN_NO_CREDIT": (
        "Pinjaman {loan} tidak memiliki titipan kelebihan angsuran yang dapat dipakai.",
        "Loan {loan} has no credit to use.",
    ),
    "LOAN_FUNDS_UNAVAILABLE": (
        "Sumber dana {channel} belum tersedia di koperasi ini.",
        "Funds channel {channel} is not available in this cooperative yet.",
    ),
    "LOAN_SAVINGS_REQUIRED": (
        "Pilih rekening simpanan anggota untuk {what}.",
        "Choose the member's savings account for {what}.",
    ),
    "LOAN_SAVINGS_SHORT": (
        "Saldo yang dapat ditarik dari rekening {account} hanya {available}.",
        "Only {available} can be taken from account {account}.",
    ),
    "LOAN_FEES_EXCEED_PRINCIPAL": (
        "Biaya pencairan ({fees}) tidak boleh melebihi pokok pinjaman ({principal}).",
        "Disbursement fees ({fees}) cannot exceed the principal ({principal}).",
    ),
})

# Collectibility, provisioning, restructuring, write-off, sharia financing.
define_messages({
    "LOAN_MURABAHAH_NO_NEW_MARGIN": (
        "Restrukturisasi murabahah tidak boleh menambah margin: isi margin baru 0%; sisa margin "
        "dijadwalkan ulang.",
        "A murabahah rescheduling cannot add margin: enter 0%; the remaining margin is "
        "rescheduled.",
    ),
    "LOAN_RESTRUCTURE_PENDING": (
        "Restrukturisasi {loan} sudah diajukan dan menunggu persetujuan.",
        "A restructuring of {loan} is already waiting for approval.",
    ),
    "LOAN_WRITE_OFF_NOT_MACET": (
        "Pinjaman {loan} belum berkolektibilitas {worst}; hanya pinjaman {worst} yang dapat "
        "dihapusbukukan.",
        "Loan {loan} is not classed {worst}; only {worst} loans can be written off.",
    ),
    "LOAN_RECOVERY_TOO_MUCH": (
        "Pemulihan melebihi sisa tagihan pinjaman yang dihapusbukukan ({left}).",
        "The recovery is more than what is still owed on the written-off loan ({left}).",
    ),
    "LOAN_PROFIT_TERMS_MISSING": (
        "Nisbah bagi hasil pembiayaan {loan} belum diisi.",
        "The profit-sharing ratio (nisbah) of {loan} has not been set.",
    ),
    "LOAN_NOT_PROFIT_SHARING": (
        "Pembiayaan {loan} bukan akad bagi hasil (mudharabah / musyarakah).",
        "Financing {loan} is not a profit-sharing contract (mudharabah / musyarakah).",
    ),
    "LOAN_PROFIT_REPORT_TAKEN": (
        "Laporan bagi hasil {loan} untuk periode yang berakhir {date} sudah dicatat.",
        "A profit report of {loan} for the period ending {date} is already recorded.",
    ),
    "LOAN_POLICY_INVALID": (
        "Kebijakan kolektibilitas tidak valid: {detail}.",
        "Invalid collectibility policy: {detail}.",
    ),
})

# A manager's product settings and the cooperative's own BMPP (loans/products.py).
define_messages({
    "LOAN_PRODUCT_RATE_RANGE": (
        "{field} harus antara {minimum}% dan {maximum}%.",
        "{field} must be between {minimum}% and {maximum}%.",
    ),
    "LOAN_PRODUCT_AMOUNTS": (
        "Plafon terendah harus lebih dari nol dan tidak lebih dari plafon tertinggi; batas "
        "komite dan biaya administrasi tidak boleh negatif.",
        "The lowest amount must be above zero and not above the highest; the committee "
        "threshold and the admin fee cannot be negative.",
    ),
    "LOAN_PRODUCT_TERMS": (
        "Jangka terpendek 1 sampai {maximum} bulan dan tidak lebih dari jangka terpanjang; masa "
        "tenggang harus lebih pendek dari jangka terpendek.",
        "The shortest term is 1 to {maximum} months and not above the longest; the grace "
        "period must be shorter than the shortest term.",
    ),
    "LOAN_PRODUCT_FEES": (
        "Provisi, administrasi dan premi asuransi bersama-sama harus kurang dari 100% pokok.",
        "Provision, admin and insurance together must be below 100% of the principal.",
    ),
    "LOAN_PRODUCT_ALLOCATION": (
        "Urutan alokasi pembayaran harus memuat denda, bunga dan pokok, masing-masing sekali.",
        "The payment allocation order must name penalty, interest and principal once each.",
    ),
    "LOAN_PRODUCT_ROUNDING": (
        "Pembulatan angsuran harus salah satu dari: {choices}.",
        "Instalment rounding must be one of: {choices}.",
    ),
    "LOAN_PRODUCT_CHOICE": (
        "{field}: pilihan \"{value}\" tidak dikenal.",
        "{field}: unknown choice \"{value}\".",
    ),
    "LOAN_PRODUCT_QARDH_RATE": (
        "Qardh hanya mengembalikan pokok: margin per tahun harus 0%.",
        "Qardh returns the principal only: the yearly margin must be 0%.",
    ),
    "LOAN_PRODUCT_NAME": (
        "Nama produk wajib diisi (paling banyak 120 huruf).",
        "The product needs a name (at most 120 characters).",
    ),
    "LOAN_PRODUCT_CODE": (
        "Kode produk \"{code}\" tidak dapat dipakai: huruf kecil, angka dan tanda hubung, "
        "belum dipakai produk lain koperasi ini.",
        "Product code \"{code}\" cannot be used: lower-case letters, digits and hyphens, not "
        "yet used by another product of this cooperative.",
    ),
    "LOAN_LENDING_LIMIT_ABOVE_RULE": (
        "BMPP {who} paling tinggi {maximum}% modal sendiri ({source}); koperasi hanya boleh "
        "menetapkan batas yang sama atau lebih rendah.",
        "The lending limit for {who} is at most {maximum}% of own capital ({source}); a "
        "cooperative may only set the same or a lower limit.",
    ),
})

define_messages({
    "LOAN_STANDING_INSTRUCTION_ACCOUNT": (
        "Rekening {account} tidak dapat dipakai untuk autodebet: hanya simpanan sukarela, "
        "wadiah atau mudharabah milik peminjam yang masih terbuka.",
        "Account {account} cannot be used for auto-debit: only the borrower's own open "
        "sukarela, wadiah or mudharabah savings.",
    ),
})
