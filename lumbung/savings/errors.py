"""Refusal codes of the savings app (see lumbung/core/errors.py)."""

from lumbung.core.errors import define_messages

define_messages({
    "SAVINGS_CANDIDATE": (
        "{member} masih calon anggota: belum boleh memiliki simpanan selain simpanan pokok "
        "(koperasi tertutup, Permenkop 8/2023).",
        "{member} is still a candidate: no savings other than simpanan pokok until they become "
        "a member (closed-loop rule, Permenkop 8/2023).",
    ),
    "SAVINGS_MEMBER_EXITED": (
        "{member} sudah keluar dari keanggotaan.",
        "{member} has left the cooperative.",
    ),
    "SAVINGS_NOT_CANDIDATE": (
        "{member} bukan calon anggota; simpanan pokok hanya dibayar sekali saat masuk.",
        "{member} is not a candidate; simpanan pokok is paid once, on joining.",
    ),
    "SAVINGS_ACCOUNT_EXISTS": (
        "{member} sudah memiliki rekening {product}; produk ini hanya satu per anggota.",
        "{member} already has a {product} account; this product is one per member.",
    ),
    "SAVINGS_PRODUCT_INACTIVE": (
        "Produk simpanan {product} tidak aktif.",
        "Savings product {product} is not active.",
    ),
    "SAVINGS_PRODUCT_MISSING": (
        "Koperasi ini belum memiliki produk simpanan {kind} yang aktif.",
        "This cooperative has no active {kind} savings product.",
    ),
    "SAVINGS_PRODUCT_KIND": (
        "Jenis simpanan {kind} tidak tersedia untuk koperasi {cooperative_kind}.",
        "Savings kind {kind} is not available to a {cooperative_kind} cooperative.",
    ),
    "SAVINGS_ACCOUNT_CLOSED": (
        "Rekening {number} sudah ditutup.",
        "Account {number} is closed.",
    ),
    "SAVINGS_AMOUNT": (
        "Jumlah harus lebih dari nol (dalam sen, bilangan bulat).",
        "The amount must be above zero (whole sen).",
    ),
    "SAVINGS_INSUFFICIENT": (
        "Saldo rekening {number} tidak cukup: yang dapat ditarik {available}, diminta {amount}.",
        "Account {number} has too little: {available} can be withdrawn, {amount} asked.",
    ),
    "SAVINGS_EQUITY_LOCKED": (
        "Simpanan {product} tidak dapat ditarik selama masih menjadi anggota.",
        "{product} cannot be withdrawn while a member.",
    ),
    "SAVINGS_FIXED_AMOUNT": (
        "Simpanan {product} harus dibayar sebesar {amount}.",
        "{product} must be paid as exactly {amount}.",
    ),
    "SAVINGS_TIME_DEPOSIT_PLACED": (
        "Simpanan berjangka {number} sudah ditempatkan; setoran tambahan tidak diterima.",
        "Time deposit {number} is already placed; it takes no further deposits.",
    ),
    "SAVINGS_TIME_DEPOSIT_WHOLE": (
        "Simpanan berjangka {number} hanya dapat dicairkan seluruhnya ({balance}).",
        "Time deposit {number} can only be paid out in full ({balance}).",
    ),
    "SAVINGS_MINIMUM_OPENING": (
        "Setoran awal {product} paling sedikit {minimum}.",
        "The first deposit into {product} is at least {minimum}.",
    ),
    "SAVINGS_OTHER_COOPERATIVE": (
        "Rekening atau anggota bukan milik koperasi ini.",
        "The account or member does not belong to this cooperative.",
    ),
    "SAVINGS_SAME_ACCOUNT": (
        "Rekening asal dan tujuan tidak boleh sama.",
        "The source and destination accounts must differ.",
    ),
    "SAVINGS_EXIT_SHORTFALL": (
        "Simpanan {member} ({savings}) tidak cukup menutup kewajibannya ({obligations}); "
        "selesaikan kewajiban dulu sebelum keluar.",
        "{member}'s savings ({savings}) do not cover their obligations ({obligations}); "
        "settle them before the exit.",
    ),
    "SAVINGS_BAD_TERM": (
        "Jangka waktu simpanan berjangka harus 1 sampai 120 bulan.",
        "A time deposit's term is 1 to 120 months.",
    ),
    "SAVINGS_BONUS_PRODUCT": (
        "Bonus hanya diberikan untuk tabungan wadiah; {product} bukan tabungan wadiah.",
        "A bonus is only given on wadiah savings; {product} is not a wadiah product.",
    ),
    "SAVINGS_BONUS_MONTH": (
        "Bulan {month} belum dimulai menurut tanggal usaha; bonus diberikan untuk bulan yang "
        "sedang atau sudah berjalan.",
        "{month} has not begun by the business date; a bonus is given for a current or past "
        "month.",
    ),
    "SAVINGS_BONUS_NO_BALANCE": (
        "Tidak ada saldo {product} pada {month}; tidak ada yang dapat diberi bonus.",
        "No {product} balance in {month}; there is nobody to give a bonus to.",
    ),
    "SAVINGS_BONUS_GRANTED": (
        "Bonus {product} untuk {month} sudah diberikan (jurnal #{entry}); satu kali per bulan. "
        "Koreksi dengan jurnal pembalik.",
        "The {product} bonus for {month} was already given (entry #{entry}); once a month. "
        "Correct it with a reversing entry.",
    ),
})
