"""API writes: token scopes, and the stored answers of POSTs sent with an Idempotency-Key

`api_token.scope` says what a token may do, `read` or `read_write`. Tokens made before it
existed could only read, so they are `read`.

`api_idempotency_key` keeps, per token, the answer to each POST sent with an
`Idempotency-Key` header until it expires, so that a retried request is answered the same
and changes nothing the second time.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('scope', sa.String(length=10), nullable=False, server_default='read')
        )
        batch_op.create_check_constraint(
            op.f('ck_api_token_scope'), "scope IN ('read', 'read_write')"
        )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('scope', server_default=None)
    op.create_table(
        'api_idempotency_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('path', sa.String(length=500), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('status', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['token_id'], ['api_token.id'],
            name=op.f('fk_api_idempotency_key_token_id_api_token'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotency_key')),
        sa.UniqueConstraint('token_id', 'key', name=op.f('uq_api_idempotency_key_token_id_key')),
    )
    op.create_index(
        'ix_api_idempotency_key_expires_at', 'api_idempotency_key', ['expires_at'], unique=False
    )


def downgrade():
    op.drop_index('ix_api_idempotency_key_expires_at', table_name='api_idempotency_key')
    op.drop_table('api_idempotency_key')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_api_token_scope'), type_='check')
        batch_op.drop_column('scope')
